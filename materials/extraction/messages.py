"""A reading as the messages the package's docstring lists: what the child prints, one per line."""

from collections.abc import Iterator
from dataclasses import asdict

from . import Options, OverLimit, Page, Unreadable
from .readers import extract


def extraction_messages(path: str, kind: str, options: Options) -> Iterator[dict]:
    try:
        for item in extract(path, kind, options):
            yield asdict(item) if isinstance(item, Page) else item
    except OverLimit as error:
        yield {"limit": error.code, "detail": error.detail}
    except Unreadable as error:
        yield {"error": error.code, "detail": error.detail[:500]}
    except MemoryError:
        yield {"limit": "memory", "detail": ""}
    except RecursionError as error:
        yield {"error": "broken", "detail": str(error)[:500]}

"""``python -m materials.extraction``: the child process services.extraction starts."""

import io
import json
import sys
import time
from dataclasses import asdict

from . import Options, OverLimit, Page, Unreadable
from .readers import extract


def main(argv: list[str]) -> int:
    """``python -m materials.extraction PATH KIND MAX_PAGES SECONDS LANGUAGES DPI``"""
    path, kind, max_pages, seconds, languages, dpi = argv
    options = Options(
        max_pages=int(max_pages),
        deadline=time.monotonic() + float(seconds),
        languages=languages,
        dpi=int(dpi),
    )
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)

    def emit(message: dict) -> None:
        out.write(json.dumps(message, ensure_ascii=False) + "\n")

    try:
        for item in extract(path, kind, options):
            emit(asdict(item) if isinstance(item, Page) else item)
    except OverLimit as error:
        emit({"limit": error.code, "detail": error.detail})
    except Unreadable as error:
        emit({"error": error.code, "detail": error.detail[:500]})
    except MemoryError:
        emit({"limit": "memory", "detail": ""})
    except RecursionError as error:
        emit({"error": "broken", "detail": str(error)[:500]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

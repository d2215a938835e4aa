"""``python -m materials.extraction``: the child process services.extraction starts."""

import io
import json
import sys

from . import Options
from .messages import extraction_messages


def main(argv: list[str]) -> int:
    """``python -m materials.extraction PATH KIND MAX_PAGES SECONDS LANGUAGES DPI``"""
    path, kind, max_pages, seconds, languages, dpi = argv
    options = Options.for_seconds(float(seconds), max_pages=int(max_pages), languages=languages, dpi=int(dpi))
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    for message in extraction_messages(path, kind, options):
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

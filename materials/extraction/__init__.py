"""Text out of a stored file, page by page: text layers where the file has them, OCR where it has not.

This module runs in a child process (``python -m materials.extraction``), started by
services.extraction.material_file_extract with limits on memory and time, so that a broken,
hostile or huge file can cost that process, never the Celery worker (small plain text,
which is only decoded, is read in the worker: READ_IN_WORKER_MAX_BYTES). It imports no
Django. It writes one JSON object per line to stdout (messages.extraction_messages):

    {"total": 12}                                    pages it is going to read
    {"page": 3, "text": "…", "method": "ocr", "confidence": 91.2}
    {"error": "encrypted", "detail": "…"}            the file cannot be read
    {"limit": "pages", "detail": "…"}                it stops early, keeping what it read
"""

import re
import time
from dataclasses import dataclass

TEXT_LAYER = "text_layer"
OCR = "ocr"

# kind (materials.validators.FILE_KINDS) -> reader; audio and video have no text to read.
CONTENT_KINDS = {
    "application/pdf": "pdf",
    "image/png": "image",
    "image/jpeg": "image",
    "image/tiff": "image",
    "image/gif": "image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/ofd": "ofd",
    "text/plain": "text",
    "text/csv": "text",
}
# A PDF page with fewer visible characters than this in its text layer is read by OCR.
MIN_TEXT_LAYER_CHARS = 10
# Members of a zip-based document, and plain text files, are read up to this size.
MAX_PART_BYTES = 64 * 1024 * 1024
# Kinds whose reader only decodes bytes (no parser, no other program) are read inside the worker
# up to this size: starting the child costs some 50 ms of CPU, far more than such a reading.
READ_IN_WORKER_MAX_BYTES = {"text": 1024 * 1024}
# A rendered page never exceeds this many pixels, whatever size the PDF says it is.
MAX_PAGE_PIXELS = 60_000_000
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def kind_of(content_type: str) -> str | None:
    return CONTENT_KINDS.get((content_type or "").split(";")[0].strip().lower())


class Unreadable(Exception):
    """The file cannot be read at all; ``code`` names why (encrypted, broken, ocr_missing)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code, self.detail = code, detail


class OverLimit(Exception):
    """Reading stops at a limit (pages, time); the pages read so far are kept."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code, self.detail = code, detail


@dataclass
class Page:
    page: int
    text: str
    method: str
    confidence: float | None = None


@dataclass
class Options:
    max_pages: int = 500
    deadline: float = 0.0  # time.monotonic() by which reading stops; 0: none
    languages: str = "chi_sim"
    dpi: int = 300

    @classmethod
    def for_seconds(cls, seconds: float, **fields) -> "Options":
        """Options whose deadline is ``seconds`` from now."""
        return cls(deadline=time.monotonic() + seconds, **fields)

    def remaining(self) -> float:
        if not self.deadline:
            return 3600.0
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise OverLimit("time")
        return left

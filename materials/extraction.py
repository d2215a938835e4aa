"""Text out of a stored file, page by page: text layers where the file has them, OCR where it has not.

This module runs in a child process (``python -m materials.extraction``), started by
services.extraction.material_file_extract with limits on memory and time, so that a broken,
hostile or huge file can cost that process, never the Celery worker. It imports no
Django. It writes one JSON object per line to stdout:

    {"total": 12}                                    pages it is going to read
    {"page": 3, "text": "…", "method": "ocr", "confidence": 91.2}
    {"error": "encrypted", "detail": "…"}            the file cannot be read
    {"limit": "pages", "detail": "…"}                it stops early, keeping what it read
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

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

    def remaining(self) -> float:
        if not self.deadline:
            return 3600.0
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise OverLimit("time")
        return left


# --- OCR ------------------------------------------------------------------------------


def _otsu(histogram: list[int]) -> int:
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, threshold, background, background_sum = 0.0, 127, 0, 0.0
    for level in range(256):
        background += histogram[level]
        if not background or background == total:
            continue
        background_sum += level * histogram[level]
        foreground = total - background
        mean_b = background_sum / background
        mean_f = (weighted - background_sum) / foreground
        between = background * foreground * (mean_b - mean_f) ** 2
        if between > best:
            best, threshold = between, level
    return threshold


def _skew_angle(binary) -> float:
    """The rotation that lines the text up: the angle whose row profile is the most uneven.

    Lines of text are dark rows with light gaps between them; turned to the right
    angle, the rows' ink varies most. Measured on a small copy, in two passes.
    """
    from PIL import Image

    small = binary.convert("L")
    scale = 500 / max(small.size)
    if scale < 1:
        small = small.resize((max(1, int(small.width * scale)), max(1, int(small.height * scale))))
    ink = small.point(lambda v: 255 - v)  # ink bright, paper black: rotation fills with black

    def spread(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.NEAREST, expand=False)
        rows = turned.resize((1, turned.height), Image.BOX).tobytes()  # one grey byte per row
        mean = sum(rows) / len(rows)
        return sum((r - mean) ** 2 for r in rows)

    coarse = max(range(-8, 9), key=spread)
    return max((coarse + a / 10 for a in range(-6, 7)), key=spread)


def prepare_for_ocr(image):
    """Grey, despeckled, upright and black on white: what Tesseract reads best."""
    from PIL import Image, ImageFilter, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    grey = image.convert("L")
    # A median filter takes away salt-and-pepper noise and keeps the strokes.
    grey = grey.filter(ImageFilter.MedianFilter(3))
    threshold = _otsu(grey.histogram())
    binary = grey.point(lambda v: 255 if v > threshold else 0)
    angle = _skew_angle(binary)
    if abs(angle) >= 0.2:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        binary = grey.point(lambda v: 255 if v > threshold else 0)
    return binary.convert("L")


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _tesseract(path: str, *, languages: str, psm: int, timeout: float) -> tuple[str, float | None]:
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        base = os.path.join(folder, "out")
        try:
            done = subprocess.run(
                ["tesseract", path, base, "-l", languages, "--psm", str(psm),
                 "-c", "preserve_interword_spaces=1", "txt", "tsv"],
                capture_output=True, timeout=timeout, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )  # fmt: skip
        except subprocess.TimeoutExpired as error:
            raise OverLimit("time") from error
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise Unreadable("ocr_failed", message[-1] if message else f"tesseract exit {done.returncode}")
        with open(base + ".txt", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        confidences = []
        with open(base + ".tsv", encoding="utf-8", errors="replace") as handle:
            for line in handle.readlines()[1:]:
                cells = line.rstrip("\n").split("\t")
                if len(cells) >= 12 and cells[0] == "5" and cells[11].strip():
                    with contextlib.suppress(ValueError):
                        if (value := float(cells[10])) >= 0:
                            confidences.append(value)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return clean_ocr_text(text), confidence


def clean_ocr_text(text: str) -> str:
    """Tesseract puts spaces between Chinese characters; Chinese has none."""
    lines = [_SPACE_IN_CJK.sub("", line).strip() for line in text.replace("\f", "").splitlines()]
    return "\n".join(line for line in lines if line)


def vertical_available() -> bool:
    folders = [os.environ.get("TESSDATA_PREFIX", ""), "/usr/share/tesseract-ocr/5/tessdata",
               "/usr/share/tesseract-ocr/4.00/tessdata"]  # fmt: skip
    return any(os.path.exists(os.path.join(f, "chi_sim_vert.traineddata")) for f in folders if f)


def ocr_image(image, *, options: Options) -> tuple[str, float | None]:
    if not tesseract_available():
        raise Unreadable("ocr_missing", "tesseract")
    prepared = prepare_for_ocr(image)
    with tempfile.NamedTemporaryFile(suffix=".png") as handle:
        prepared.save(handle, format="PNG")
        handle.flush()
        text, confidence = _tesseract(
            handle.name, languages=options.languages, psm=3, timeout=options.remaining()
        )
        # Little read, or read badly: the page may be set vertically (竖排), right to left.
        doubtful = confidence is None or confidence < 60
        if doubtful and "chi_sim" in options.languages and vertical_available():
            vertical, vertical_confidence = _tesseract(
                handle.name, languages="chi_sim_vert", psm=5, timeout=options.remaining()
            )
            if vertical_confidence is not None and vertical_confidence > (confidence or 0) + 10:
                return vertical, vertical_confidence
    return text, confidence


# --- readers ------------------------------------------------------------------------


def _visible(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _render_pdf_page(path: str, number: int, *, dpi: int, timeout: float):
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        raise Unreadable("ocr_missing", "pdftoppm")
    with tempfile.TemporaryDirectory(prefix="page-") as folder:
        try:
            done = subprocess.run(
                ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", "-png",
                 path, os.path.join(folder, "page")],
                capture_output=True, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as error:
            raise OverLimit("time") from error
        rendered = sorted(os.listdir(folder))
        if done.returncode != 0 or not rendered:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise Unreadable("broken", message[-1] if message else f"pdftoppm exit {done.returncode}")
        with Image.open(os.path.join(folder, rendered[0])) as image:
            image.load()
            return image.copy()


def read_pdf(path: str, options: Options) -> Iterator:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                # Files with only an owner password open with an empty user password.
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as error:
                raise Unreadable("encrypted", str(error)) from error
            if not opened:
                raise Unreadable("encrypted")
        count = len(reader.pages)
    except FileNotDecryptedError as error:
        raise Unreadable("encrypted", str(error)) from error
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise Unreadable("broken", str(error)) from error
    yield {"total": min(count, options.max_pages)}
    for number in range(1, min(count, options.max_pages) + 1):
        options.remaining()
        page = reader.pages[number - 1]
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - a page whose text layer pypdf cannot read is OCR'd instead
            text = ""
        if _visible(text) >= MIN_TEXT_LAYER_CHARS:
            yield Page(number, _tidy(text), TEXT_LAYER)
            continue
        try:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
        except (TypeError, ValueError, AttributeError):
            width, height = 595.0, 842.0
        dpi = options.dpi
        pixels = (width * dpi / 72) * (height * dpi / 72)
        if pixels > MAX_PAGE_PIXELS:
            dpi = max(72, int(dpi * (MAX_PAGE_PIXELS / pixels) ** 0.5))
        image = _render_pdf_page(path, number, dpi=dpi, timeout=options.remaining())
        ocr_text, confidence = ocr_image(image, options=options)
        yield Page(number, ocr_text, OCR, confidence)
    if count > options.max_pages:
        raise OverLimit("pages", str(count))


def read_image(path: str, options: Options) -> Iterator:
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS
    try:
        image = Image.open(path)
        frames = getattr(image, "n_frames", 1)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise Unreadable("broken", str(error)) from error
    with image:
        yield {"total": min(frames, options.max_pages)}
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > options.max_pages:
                raise OverLimit("pages", str(frames))
            try:
                frame.load()
                copy = frame.copy()
            except (OSError, SyntaxError, ValueError) as error:
                raise Unreadable("broken", str(error)) from error
            text, confidence = ocr_image(copy, options=options)
            yield Page(number, text, OCR, confidence)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _zip_xml(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise Unreadable("broken", f"missing {name}") from error
    if info.file_size > MAX_PART_BYTES:
        raise OverLimit("size", name)
    try:
        return ElementTree.fromstring(archive.read(info))
    except ElementTree.ParseError as error:
        raise Unreadable("broken", f"{name}: {error}") from error


def _open_zip(path: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Unreadable("broken", str(error)) from error


def _tidy(text: str) -> str:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line).strip()


def _paged(texts: list[str], options: Options) -> Iterator:
    yield {"total": min(len(texts), options.max_pages)}
    for number, text in enumerate(texts[: options.max_pages], start=1):
        options.remaining()
        yield Page(number, _tidy(text), TEXT_LAYER)
    if len(texts) > options.max_pages:
        raise OverLimit("pages", str(len(texts)))


def read_docx(path: str, options: Options) -> Iterator:
    """Paragraphs in order; a page ends at a hard page break or where Word last broke the page."""
    with _open_zip(path) as archive:
        root = _zip_xml(archive, "word/document.xml")
    pages, lines, line = [], [], []
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "t" and element.text:
            line.append(element.text)
        elif tag == "tab":
            line.append("\t")
        elif tag in ("br", "cr"):
            kind = next((v for k, v in element.attrib.items() if _local(k) == "type"), "")
            if kind == "page":
                lines.append("".join(line))
                line = []
                pages.append("\n".join(lines))
                lines = []
            else:
                line.append("\n")
        elif tag == "lastRenderedPageBreak" and (lines or line):
            lines.append("".join(line))
            line = []
            pages.append("\n".join(lines))
            lines = []
        elif tag == "p":
            # ElementTree.iter() is depth first: a paragraph's text follows its start tag.
            if line:
                lines.append("".join(line))
            line = []
    lines.append("".join(line))
    pages.append("\n".join(lines))
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    yield from _paged(pages, options)


def read_xlsx(path: str, options: Options) -> Iterator:
    """One page per sheet: its rows, cells separated by tabs."""
    import openpyxl

    handle = open(path, "rb")  # noqa: SIM115 - closed below; a file object spares openpyxl's name check
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        handle.close()
        raise Unreadable("broken", str(error)) from error
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    rows.append("\t".join(cells).rstrip("\t"))
            sheets.append(f"{sheet.title}\n" + "\n".join(rows))
    finally:
        workbook.close()
        handle.close()
    yield from _paged(sheets, options)


def read_pptx(path: str, options: Options) -> Iterator:
    """One page per slide, in the order of the presentation."""
    with _open_zip(path) as archive:
        presentation = _zip_xml(archive, "ppt/presentation.xml")
        relations = _zip_xml(archive, "ppt/_rels/presentation.xml.rels")
        targets = {
            r.get("Id"): r.get("Target", "") for r in relations.iter() if _local(r.tag) == "Relationship"
        }
        slides = []
        for element in presentation.iter():
            if _local(element.tag) != "sldId":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id" and k != "id"), None)
            target = targets.get(rid)
            if target:
                slides.append(str(PurePosixPath("ppt") / target).replace("ppt/../", ""))
        texts = []
        for name in slides:
            root = _zip_xml(archive, name)
            paragraphs = []
            for paragraph in root.iter():
                if _local(paragraph.tag) == "p":
                    paragraphs.append("".join(t.text or "" for t in paragraph.iter() if _local(t.tag) == "t"))
            texts.append("\n".join(paragraphs))
    yield from _paged(texts, options)


def read_ofd(path: str, options: Options) -> Iterator:
    """OFD (GB/T 33190): OFD.xml names the document, whose Pages list each page's Content.xml."""
    with _open_zip(path) as archive:
        entry = _zip_xml(archive, "OFD.xml")
        doc_root = next((e.text for e in entry.iter() if _local(e.tag) == "DocRoot" and e.text), None)
        if not doc_root:
            raise Unreadable("broken", "OFD.xml names no DocRoot")
        doc_root = doc_root.strip().lstrip("/")
        document = _zip_xml(archive, doc_root)
        folder = PurePosixPath(doc_root).parent
        locations = [
            e.get("BaseLoc", "").strip()
            for e in document.iter()
            if _local(e.tag) == "Page" and e.get("BaseLoc")
        ]
        texts = []
        for location in locations:
            name = location.lstrip("/") if location.startswith("/") else str(folder / location)
            root = _zip_xml(archive, name)
            objects = []
            for text_object in root.iter():
                if _local(text_object.tag) == "TextObject":
                    codes = [c.text or "" for c in text_object.iter() if _local(c.tag) == "TextCode"]
                    objects.append("".join(codes))
            texts.append("\n".join(objects))
    yield from _paged(texts, options)


def read_text(path: str, options: Options) -> Iterator:
    """Plain text and CSV: UTF-8, or GB 18030 (older Chinese files); a form feed starts a page."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise OverLimit("size", str(MAX_PART_BYTES))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "replace")
    yield from _paged(text.split("\f"), options)


READERS = {
    "pdf": read_pdf,
    "image": read_image,
    "docx": read_docx,
    "xlsx": read_xlsx,
    "pptx": read_pptx,
    "ofd": read_ofd,
    "text": read_text,
}


def extract(path: str, kind: str, options: Options) -> Iterator:
    """{"total": n}, then Page after Page; raises Unreadable or OverLimit."""
    reader = READERS.get(kind)
    if reader is None:
        raise Unreadable("unsupported", kind)
    yield from reader(path, options)


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

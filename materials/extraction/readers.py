"""Readers, one per kind of file; each yields the total page count, then its pages."""

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from xml.etree import ElementTree

from . import (
    MAX_PAGE_PIXELS,
    MAX_PART_BYTES,
    MIN_TEXT_LAYER_CHARS,
    OCR,
    TEXT_LAYER,
    Options,
    OverLimit,
    Page,
    Unreadable,
)
from .ocr import ocr_image


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

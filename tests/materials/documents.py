"""Documents made on the spot for the extraction tests and bench/ocr.py: nothing is downloaded.

Known Chinese text is drawn with the CJK font that scripts/services.sh installs, at
300 dpi, as a clean page, a skewed one and a noisy one; the same text goes into a
text-layer PDF (reportlab), a DOCX and an OFD built as zip files.
"""

import io
import random
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DPI = 300
# A5 at 300 dpi keeps OCR quick on two cores; the text size is that of a printed page (12 pt).
PAGE_SIZE = (1748, 2480)
FONT_FILES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]

# Three pages of known text (the project's own wording, after the seed bulletin's facts).
PAGES = [
    [
        "川渝党史工作协作座谈会在重庆召开",
        "二〇二〇年五月，重庆市委党史研究室",
        "与四川省委党史研究室签订合作框架协议。",
        "双方约定建立联席会议制度，共享党史资料",
        "和研究成果，协同开展党史课题研究。",
    ],
    [
        "中央红军长征途经綦江的历史",
        "一九三五年一月，中央红军长征进入綦江，",
        "这是红军长征在重庆境内的唯一过境地。",
        "当地群众为红军筹粮带路，留下许多故事。",
        "綦江区委党史研究室整理了相关口述资料。",
    ],
    [
        "红岩精神与南方局的光辉历程",
        "抗日战争时期，中共中央南方局驻在红岩村，",
        "周恩来在这里领导南方党组织开展工作。",
        "红岩精神是中国共产党人精神谱系的组成部分，",
        "川渝两地将联合开展红色资源保护利用研究。",
    ],
]
PAGE3_PHRASE = "红色资源保护利用"


def font_path() -> str:
    for name in FONT_FILES:
        if Path(name).exists():
            return name
    raise RuntimeError("no CJK font: run `bash scripts/services.sh install` (fonts-wqy-microhei)")


def page_text(number: int) -> str:
    return "\n".join(PAGES[number - 1])


def render_page(lines: list[str], *, size: int = 50) -> Image.Image:
    """A white page with the lines in black at 12 pt (50 px at 300 dpi)."""
    font = ImageFont.truetype(font_path(), size)
    page = Image.new("L", PAGE_SIZE, 255)
    draw = ImageDraw.Draw(page)
    y = 200
    for line in lines:
        draw.text((150, y), line, font=font, fill=0)
        y += int(size * 1.8)
    return page


def skewed(page: Image.Image, degrees: float = 3.0) -> Image.Image:
    return page.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def noisy(page: Image.Image, *, amount: float = 0.06, seed: int = 19) -> Image.Image:
    """Salt-and-pepper noise on a few percent of the pixels, and a grey cast, as on a poor scan."""
    rng = random.Random(seed)
    noisy_page = page.point(lambda v: 40 + int(v * 0.75))  # grey paper, grey ink
    pixels = noisy_page.load()
    width, height = noisy_page.size
    for _ in range(int(width * height * amount)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = 0 if rng.random() < 0.5 else 255
    return noisy_page


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def scanned_pdf(images: list[Image.Image]) -> bytes:
    """A PDF of page images only, as a scanner makes it: no text layer at all."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=DPI)
    return buffer.getvalue()


def text_layer_pdf(pages: list[str | None], *, scans: dict[int, Image.Image] | None = None) -> bytes:
    """A PDF with real text on each page given text; a None page carries only a scan (from ``scans``)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestCJK", font_path(), subfontIndex=0))
    buffer = io.BytesIO()
    width, height = PAGE_SIZE[0] * 72 / DPI, PAGE_SIZE[1] * 72 / DPI
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    for number, text in enumerate(pages, start=1):
        if text is None:
            image = (scans or {})[number]
            pdf.drawImage(ImageReader(image.convert("RGB")), 0, 0, width=width, height=height)
        else:
            pdf.setFont("TestCJK", 12)
            y = height - 60
            for line in text.split("\n"):
                pdf.drawString(36, y, line)
                y -= 22
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(pages: list[str]) -> bytes:
    """A minimal Word document: one paragraph per line, a hard page break between pages."""
    body = []
    for number, text in enumerate(pages):
        if number:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        for line in text.split("\n"):
            body.append(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>")
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.document.main+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
                + "".join(body)
                + "</w:body></w:document>"
            ),
        }
    )


OFD_NS = "http://www.ofdspec.org/2016"


def ofd(pages: list[str]) -> bytes:
    """An OFD (GB/T 33190) package: OFD.xml, Document.xml and one Content.xml per page."""
    entries = {
        "OFD.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
    }
    page_refs = "".join(
        f'<ofd:Page ID="{n + 10}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages))
    )
    entries["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
        "<ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea>"
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    for n, text in enumerate(pages):
        objects = "".join(
            f'<ofd:TextObject ID="{n * 100 + i + 1}" Boundary="10 {10 + i * 8} 190 8" Font="1" Size="5">'
            f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
            for i, line in enumerate(text.split("\n"))
        )
        entries[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="{n * 100 + 99}">{objects}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    return _zip(entries)


def character_accuracy(found: str, expected: str) -> float:
    """1 − (edit distance ÷ length of the known text), whitespace ignored."""
    a = "".join(found.split())
    b = "".join(expected.split())
    if not b:
        return 1.0 if not a else 0.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    return max(0.0, 1 - previous[len(b)] / len(b))

"""The bulletin as a PDF laid out like the printed issue (red masthead, 【section】 headings, 供稿 lines).

Pages are drawn with Pillow in a CJK font from Debian's packages (Noto Serif CJK SC, falling
back to WenQuanYi Micro Hei) and saved as an image PDF: Pillow is already installed with
Wagtail, whereas a text-layer PDF with embedded fonts needs a library the project does not
depend on yet (WeasyPrint or ReportLab).
"""

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from django.utils.html import strip_tags

from .models import BulletinIssue, Story

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 150, 150, 150
RED = (192, 0, 0)
BLACK = (20, 20, 20)
FONT_FILES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
]
BOLD_FILES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
]


class FontMissing(RuntimeError):
    pass


@cache
def _font_face(bold: bool) -> tuple[str, int]:
    for path, family in (BOLD_FILES if bold else []) + FONT_FILES:
        if not Path(path).exists():
            continue
        for index in range(8):
            try:
                font = ImageFont.truetype(path, 20, index=index)
            except OSError:
                break
            if family is None or font.getname()[0] == family:
                return path, index
    raise FontMissing("no CJK font found: install fonts-noto-cjk or fonts-wqy-microhei")


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path, index = _font_face(bold)
    return ImageFont.truetype(path, size, index=index)


def _wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break Chinese text at any character, keeping closing punctuation off the line start."""
    lines, line = [], ""
    for char in text:
        if face.getlength(line + char) > width and line:
            if char in "，。、；：！？”）》,.;:!?)":
                line, char = line[:-1], line[-1] + char
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    return lines


class _Pages:
    def __init__(self):
        self.pages: list[Image.Image] = []
        self._new()

    def _new(self):
        self.image = Image.new("RGB", PAGE, "white")
        self.draw = ImageDraw.Draw(self.image)
        self.y = MARGIN_TOP
        self.pages.append(self.image)

    def room(self, height: int):
        if self.y + height > PAGE[1] - MARGIN_BOTTOM:
            self._new()

    def text(self, text, face, *, fill=BLACK, align="left", indent=0, spacing=1.6):
        width = PAGE[0] - 2 * MARGIN_X - indent
        line_height = int(face.size * spacing)
        for line in _wrap(text, face, width):
            self.room(line_height)
            x = MARGIN_X + indent
            if align == "center":
                x = (PAGE[0] - face.getlength(line)) / 2
            elif align == "right":
                x = PAGE[0] - MARGIN_X - face.getlength(line)
            self.draw.text((x, self.y), line, font=face, fill=fill)
            self.y += line_height

    def rule(self, *, fill=RED, width=3, gap=20):
        self.room(gap * 2)
        self.y += gap
        self.draw.line((MARGIN_X, self.y, PAGE[0] - MARGIN_X, self.y), fill=fill, width=width)
        self.y += gap

    def space(self, height):
        self.y += height


def bulletin_pdf(*, issue: BulletinIssue, sections: list[tuple[object, list[Story]]]) -> bytes:
    body, heading, title_face = font(26), font(32, bold=True), font(34, bold=True)
    pages = _Pages()
    pages.space(60)
    pages.text(issue.title, font(96, bold=True), fill=RED, align="center", spacing=1.3)
    pages.space(30)
    number = f"第{issue.number}期" + (f" (总第{issue.total_number}期)" if issue.total_number else "")
    pages.text(number, font(30), align="center")
    pages.space(40)
    compiler = f"{issue.compiler}编" if issue.compiler else ""
    face = font(26)
    date = f"{issue.date.year}年{issue.date.month}月{issue.date.day}日"
    pages.room(50)
    pages.draw.text((MARGIN_X, pages.y), compiler, font=face, fill=BLACK)
    pages.draw.text((PAGE[0] - MARGIN_X - face.getlength(date), pages.y), date, font=face, fill=BLACK)
    pages.y += 40
    pages.rule(width=4)
    for section, stories in sections:
        pages.text(f"【{section.name}】", heading, fill=RED)
        for story in stories:
            pages.text(story.title, body, indent=26)
    for section, stories in sections:
        pages.space(20)
        pages.text(f"【{section.name}】", heading, fill=RED)
        for story in stories:
            pages.space(16)
            if story.section.name != "信息短波":
                pages.text(story.title, title_face, align="center")
            for paragraph in story.body_text():
                pages.text("\u3000\u3000" + strip_tags(paragraph).strip(), body)
            pages.text(f"（{story.contributor_line}供稿）", body, align="right")
    pages.space(30)
    pages.rule(fill=BLACK, width=2, gap=10)
    small = font(22)
    for label, value in (
        ("报", issue.distribution_report),
        ("送", issue.distribution_send),
        ("发", issue.distribution_issue),
    ):
        if value:
            pages.text(f"{label}：{value}", small)
    pages.rule(fill=BLACK, width=2, gap=10)
    if issue.editor_line:
        pages.text(issue.editor_line, small)
    buffer = io.BytesIO()
    first, *rest = pages.pages
    first.save(
        buffer,
        "PDF",
        save_all=True,
        append_images=rest,
        resolution=DPI,
        title=f"{issue.title} {number}",
        author=issue.compiler,
        subject=str(issue),
        creator="川渝党史协作平台",
    )
    return buffer.getvalue()

"""The bulletin as a PDF with a text layer; font, document defaults and 503 page: portal.pdf."""

import io

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer, Table

from django.utils import translation

from portal.dates import date_display
from portal.pdf import BLACK, FONT_NAME, RED, cjk_font, new_document, text

from .models import BulletinIssue, Story


def _bulletin_styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=14, leading=25, textColor=BLACK, wordWrap="CJK")
    return {
        "masthead": ParagraphStyle(
            "masthead", base, fontSize=40, leading=52, alignment=TA_CENTER, textColor=RED, spaceBefore=24
        ),
        "number": ParagraphStyle(
            "number", base, fontSize=16, alignment=TA_CENTER, spaceBefore=14, spaceAfter=24
        ),
        "compiler": ParagraphStyle("compiler", base),
        "date": ParagraphStyle("date", base, alignment=TA_RIGHT),
        "section": ParagraphStyle(
            "section", base, fontSize=16, leading=26, textColor=RED, spaceBefore=10, keepWithNext=1
        ),
        "contents": ParagraphStyle("contents", base, leftIndent=28),
        "title": ParagraphStyle(
            "title",
            base,
            fontSize=17,
            leading=28,
            alignment=TA_CENTER,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "body": ParagraphStyle("paragraph", base, firstLineIndent=28),
        "unit": ParagraphStyle("unit", base, alignment=TA_RIGHT, spaceAfter=6),
        "distribution": ParagraphStyle("distribution", base, fontSize=12, leading=20),
    }


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT_NAME, 12)
    canvas.setFillColor(BLACK)
    canvas.drawCentredString(A4[0] / 2, 15 * mm, f"— {doc.page} —")
    canvas.restoreState()


def bulletin_pdf(*, issue: BulletinIssue, sections: list[tuple[object, list[Story]]]) -> bytes:
    """The issue laid out like the printed bulletin: masthead, contents by 【section】, items, 报/送/发."""
    style = _bulletin_styles(cjk_font())
    number = f"第{issue.number}期" + (f" (总第{issue.total_number}期)" if issue.total_number else "")
    with translation.override("zh-hans"):  # the bulletin is printed in Chinese whoever asks for it
        date = date_display(issue.date)
    width = A4[0] - 50 * mm
    flow = [
        Paragraph(text(issue.title), style["masthead"]),
        Paragraph(text(number), style["number"]),
        Table(
            [
                [
                    Paragraph(text(f"{issue.compiler}编") if issue.compiler else "", style["compiler"]),
                    Paragraph(text(date), style["date"]),
                ]
            ],
            colWidths=[width * 0.6, width * 0.4],
            style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
        ),
        HRFlowable(width="100%", thickness=3, color=RED, spaceBefore=2, spaceAfter=14),
    ]
    for section, stories in sections:
        flow.append(Paragraph(f"【{text(section.name)}】", style["section"]))
        flow += [Paragraph(text(story.title), style["contents"]) for story in stories]
    flow.append(Spacer(1, 12))
    for section, stories in sections:
        flow.append(Paragraph(f"【{text(section.name)}】", style["section"]))
        for story in stories:
            paragraphs = [text(paragraph) for paragraph in story.body_text() if text(paragraph)]
            # A short item's title is its opening words (信息短波): print it once, as on paper.
            if not (paragraphs and paragraphs[0].startswith(text(story.title))):
                flow.append(Paragraph(text(story.title), style["title"]))
            flow += [Paragraph(paragraph, style["body"]) for paragraph in paragraphs]
            flow.append(Paragraph(text(f"（{story.contributor_line}供稿）"), style["unit"]))
    # Distribution and editor close the last page between two black rules, as on paper.
    closing = [Spacer(1, 18), HRFlowable(width="100%", thickness=1.5, color=BLACK, spaceAfter=6)]
    for label, value in (
        ("报", issue.distribution_report),
        ("送", issue.distribution_send),
        ("发", issue.distribution_issue),
    ):
        if value:
            closing.append(Paragraph(text(f"{label}：{value}"), style["distribution"]))
    closing.append(HRFlowable(width="100%", thickness=1.5, color=BLACK, spaceBefore=6, spaceAfter=4))
    if issue.editor_line:
        closing.append(Paragraph(text(issue.editor_line), style["distribution"]))
    flow.append(KeepTogether(closing))

    buffer = io.BytesIO()
    document = new_document(
        buffer,
        margins=(30 * mm, 25 * mm, 28 * mm, 25 * mm),
        title=f"{issue.title} {number}",
        author=issue.compiler,
        subject=str(issue),
    )
    document.build(flow, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()

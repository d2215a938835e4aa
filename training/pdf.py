"""The certificate of completion as a one-page PDF (A4 landscape) with a text layer.

The Chinese font is embedded: the lookup, the 503 answer when the font package is missing and
the document defaults are portal.pdf's, shared with the bulletin PDF.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from portal.pdf import BLACK, RED, cjk_font, new_document, text

PAGE = landscape(A4)


def _frame(canvas, doc):
    """A red double frame, as on the printed certificates."""
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, PAGE[0] - 20 * mm, PAGE[1] - 20 * mm)
    canvas.setLineWidth(1)
    canvas.rect(13 * mm, 13 * mm, PAGE[0] - 26 * mm, PAGE[1] - 26 * mm)
    canvas.restoreState()


def certificate_pdf(
    *,
    heading: str,
    subheading: str,
    body: str,
    organiser: str,
    issued: str,
    code_line: str,
    verify_label: str,
    verify_url: str,
    title: str,
    subject: str,
) -> bytes:
    font = cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=18, leading=32, textColor=BLACK, wordWrap="CJK")
    red = ParagraphStyle("red", base, alignment=TA_CENTER, textColor=RED)
    flow = [Paragraph(text(heading), ParagraphStyle("heading", red, fontSize=40, leading=48))]
    if subheading:
        flow.append(Paragraph(text(subheading), ParagraphStyle("subheading", red, fontSize=16)))
    flow += [
        Spacer(1, 24),
        Paragraph(text(body), ParagraphStyle("sentence", base, firstLineIndent=36)),
        Spacer(1, 40),
        Paragraph(text(organiser), ParagraphStyle("organiser", base, alignment=TA_RIGHT)),
        Paragraph(text(issued), ParagraphStyle("issued", base, fontSize=16, alignment=TA_RIGHT)),
        Spacer(1, 48),
    ]
    small = ParagraphStyle("small", base, fontSize=11, leading=16, alignment=TA_CENTER)
    link = escape(verify_url, {'"': "&quot;"})
    flow += [
        Paragraph(text(code_line), small),
        # Not stripped: the English label ends with a space before the URL.
        Paragraph(f'{escape(verify_label)}<a href="{link}" color="#333380">{link}</a>', small),
    ]
    buffer = io.BytesIO()
    document = new_document(
        buffer,
        pagesize=PAGE,
        margins=(34 * mm, 30 * mm, 20 * mm, 30 * mm),
        title=title,
        subject=subject,
        author=organiser,
    )
    document.build(flow, onFirstPage=_frame, onLaterPages=_frame)
    return buffer.getvalue()

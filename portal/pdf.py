"""PDFs with a text layer in an embedded Chinese font (the bulletin, the training certificate).

ReportLab can embed (a subset of) a TrueType font only: the Noto CJK .ttc files Debian ships are
CFF-based, so the font is WenQuanYi Micro Hei (Debian package fonts-wqy-microhei). Without it the
PDF views answer 503 with a page naming the package instead of failing with a traceback.
"""

import html
import io
import logging
from functools import cache, wraps
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate

from django.conf import settings
from django.shortcuts import render
from django.utils.html import strip_tags

logger = logging.getLogger(__name__)

FONT_NAME = "WenQuanYi"
FONT_PACKAGE = "fonts-wqy-microhei"
# Where distributions install WenQuanYi Micro Hei; settings.PDF_CJK_FONT_FILES overrides the list.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora, Alpine
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Arch
)
PDF_CREATOR = "川渝党史协作平台"

RED = colors.HexColor("#c00000")
BLACK = colors.HexColor("#141414")


class FontMissing(RuntimeError):
    pass


def cjk_font() -> str:
    """The registered name of the embeddable CJK font; FontMissing when none is installed."""
    for path in getattr(settings, "PDF_CJK_FONT_FILES", FONT_FILES):
        if Path(path).is_file():
            return _register(path)
    raise FontMissing(f"no embeddable CJK font found: install the {FONT_PACKAGE} package")


@cache
def _register(path: str) -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    # The face has no bold or italic; <b> in a paragraph falls back to the same face.
    pdfmetrics.registerFontFamily(
        FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
    )
    return FONT_NAME


def pdf_view(view):
    """Answer 503 with a page naming the missing font package when a PDF cannot be drawn."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except FontMissing as error:
            logger.error("PDF for %s not drawn: %s", request.path, error)
            return render(request, "portal/pdf_unavailable.html", {"package": FONT_PACKAGE}, status=503)

    return wrapper


def text(value: str) -> str:
    """Plain text made safe for a ReportLab paragraph (which reads a small XML markup)."""
    return escape(html.unescape(strip_tags(value)).strip())


def new_document(buffer: io.BytesIO, *, pagesize=A4, margins: tuple[float, float, float, float], **info):
    top, right, bottom, left = margins
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        creator=PDF_CREATOR,
        lang="zh-CN",
        initialFontName=cjk_font(),
        **info,
    )

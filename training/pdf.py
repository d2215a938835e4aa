"""A one-page certificate PDF written by hand (PDF 1.4, no dependency).

Chinese text uses the Adobe-GB1 font STSong-Light through the predefined
UniGB-UCS2-H CMap: one of the standard non-embedded CJK fonts every PDF viewer
maps to an installed Song/Ming face, so the file stays small and needs no font
file of our own. Latin text uses the base-14 Helvetica.
"""

import re
from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 842, 595  # A4 landscape, in points


@dataclass
class Line:
    text: str
    size: float
    y: float
    latin: bool = False
    colour: tuple[float, float, float] = (0.13, 0.13, 0.13)


def _cjk_width(text: str, size: float) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text) * size


def _latin_width(text: str, size: float) -> float:
    return len(text) * 0.52 * size


def _cjk_hex(text: str) -> str:
    encoded = "".join(ch if ord(ch) <= 0xFFFF else "?" for ch in text).encode("utf-16-be")
    return "<" + encoded.hex().upper() + ">"


def _latin_literal(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return "(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def wrap_cjk(text: str, *, size: float, width: float) -> list[str]:
    """Break anywhere between Chinese characters, but never inside a run of Latin letters or digits."""
    tokens = re.findall(r"[A-Za-z0-9%.:/()-]+[,;]?|.", text)
    lines, current = [], ""
    for token in tokens:
        if current and _cjk_width(current + token, size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    if current:
        lines.append(current)
    return lines


def _content(lines: list[Line]) -> bytes:
    ops = [
        # A red double frame.
        "0.70 0.07 0.11 RG 3 w 28 28 786 539 re S 1 w 36 36 770 523 re S",
    ]
    for line in lines:
        width = _latin_width(line.text, line.size) if line.latin else _cjk_width(line.text, line.size)
        x = max(48.0, (PAGE_WIDTH - width) / 2)
        font = "/F2" if line.latin else "/F1"
        shown = _latin_literal(line.text) if line.latin else _cjk_hex(line.text)
        r, g, b = line.colour
        ops.append(
            f"BT {r:.2f} {g:.2f} {b:.2f} rg {font} {line.size:g} Tf {x:.1f} {line.y:.1f} Td {shown} Tj ET"
        )
    return "\n".join(ops).encode("latin-1")


def _info_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def certificate_pdf(*, lines: list[Line], title: str, link: str | None = None) -> bytes:
    content = _content(lines)
    annots = ""
    if link:
        annots = " /Annots [10 0 R]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> /Contents 4 0 R{annots} >>"
        ).encode(),
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title {_info_string(title)} /Producer (chuanyu-portal) >>".encode(),
    ]
    if link:
        objects.append(
            (
                "<< /Type /Annot /Subtype /Link /Rect [48 40 794 90] /Border [0 0 0] "
                f"/A << /S /URI /URI {_latin_literal(link)} >> >>"
            ).encode()
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 9 0 R >>\n"
    out += f"{trailer}startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

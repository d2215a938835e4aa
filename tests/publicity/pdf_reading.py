"""Just enough of a PDF reader to check what the portal's PDFs say (pypdf is not a dependency).

Reads a classic cross-reference table, inflates Flate/ASCII85 streams, and turns the text of each
page back into Unicode through the fonts' ToUnicode maps, as a viewer's copy-and-paste does.
"""

import base64
import re
import zlib
from dataclasses import dataclass

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_LITERAL = rb"\((?:\\.|[^\\)])*\)"


def literal(raw: bytes) -> bytes:
    """The bytes of a PDF literal string such as (\\376\\377N-)."""
    out, i, raw = bytearray(), 0, raw[1:-1]
    while i < len(raw):
        if raw[i : i + 1] != b"\\":
            out += raw[i : i + 1]
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(raw[i + 1 : i + 2], raw[i + 1 : i + 2])
            i += 2
    return bytes(out)


def text_string(raw: bytes) -> str:
    value = literal(raw)
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be")
    return value.decode("latin-1")


@dataclass
class Pdf:
    data: bytes

    def __post_init__(self):
        assert self.data.startswith(b"%PDF-") and self.data.rstrip().endswith(b"%%EOF")
        start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", self.data).group(1))
        table = re.match(rb"xref\s+0 (\d+)\s+", self.data[start:])
        assert table, "no cross-reference table at startxref"
        entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", self.data[start + table.end() :])
        self.offsets = {n: int(offset) for n, (offset, _, kind) in enumerate(entries) if kind == b"n"}
        for number, offset in self.offsets.items():
            assert self.data[offset:].startswith(f"{number} 0 obj".encode()), f"object {number} misplaced"
        self.trailer = self.data[start:]

    def object(self, number: int) -> tuple[bytes, bytes | None]:
        """(dictionary text, decoded stream or None)."""
        offset = self.offsets[number]
        body = self.data[offset : self.data.index(b"endobj", offset)]
        match = re.search(rb"stream\r?\n", body)
        if not match:
            return body, None
        head = body[: match.start()]
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        stream = self.data[offset + match.end() : offset + match.end() + length]
        for name in re.findall(rb"/(ASCII85Decode|FlateDecode)", head):
            if name == b"ASCII85Decode":
                stream = base64.a85decode(stream.strip().removeprefix(b"<~").removesuffix(b"~>"))
            else:
                stream = zlib.decompress(stream)
        return head, stream

    def ref(self, head: bytes, key: str) -> int:
        return int(re.search(rf"/{key} (\d+) 0 R".encode(), head).group(1))

    @property
    def info(self) -> dict[str, str]:
        head, _ = self.object(self.ref(self.trailer, "Info"))
        return {
            key.decode(): text_string(value)
            for key, value in re.findall(rb"/(\w+) (" + _LITERAL + rb")", head)
        }

    @property
    def pages(self) -> list[int]:
        return [n for n in self.offsets if re.search(rb"/Type /Page\b(?!s)", self.object(n)[0])]

    def uses_embedded_truetype(self) -> bool:
        return b"/FontFile2" in self.data and b"/Subtype /TrueType" in self.data

    def _fonts(self, page: int) -> dict[bytes, dict[int, str]]:
        head, _ = self.object(page)
        fonts = re.search(rb"/Font (\d+) 0 R", head)
        if fonts:
            head, _ = self.object(int(fonts.group(1)))
        maps = {}
        for name, number in re.findall(rb"/([\w+.-]+) (\d+) 0 R", head):
            font, _ = self.object(int(number))
            if b"/ToUnicode" not in font:
                continue
            _, cmap = self.object(self.ref(font, "ToUnicode"))
            maps[name] = {
                int(code, 16): bytes.fromhex(char.decode()).decode("utf-16-be")
                for code, char in re.findall(
                    rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>", cmap.split(b"endcodespacerange")[1]
                )
            }
        return maps

    def page_text(self, page: int) -> str:
        """The page's text, one line per text object (a paragraph of ReportLab's)."""
        fonts = self._fonts(page)
        head, _ = self.object(page)
        _, content = self.object(self.ref(head, "Contents"))
        lines, line, font = [], None, None
        # Strings are matched whole first, so "ET" inside one (a code such as CY-HETB-…) is no operator.
        tokens = rb"(" + _LITERAL + rb")|/([\w+.-]+) [\d.]+ Tf|(?<![\w/])(BT|ET)(?!\w)"
        for string, tf, operator in re.findall(tokens, content):
            if operator == b"BT":
                line = ""
            elif operator == b"ET":
                if line:
                    lines.append(line)
                line = None
            elif tf:
                font = fonts.get(tf)
            elif line is not None and font is not None:
                line += "".join(font.get(code, "\ufffd") for code in literal(string))
            elif line is not None:
                line += literal(string).decode("latin-1")
        return "\n".join(lines)

    @property
    def text(self) -> str:
        return "\n".join(self.page_text(page) for page in self.pages)

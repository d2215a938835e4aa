"""Full-width punctuation in Chinese prose, for text that arrives by import.

A half-width mark is Chinese prose when a CJK character stands right beside it: 会议强调,加强
becomes 会议强调，加强. Runs of ASCII keep their marks (English sentences, 1,000, 3.5, 09:30,
e-mail addresses), and so do web addresses. Brackets and quotes change in pairs.
"""

import html as html_entities
import re

MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
BRACKETS = {"(": "（", ")": "）"}
QUOTES = {'"': ("“", "”"), "'": ("‘", "’")}

# Ideographs, kana, CJK punctuation and full-width forms: the one test for "is this Chinese"
# (portal.content_language marks text with it). Curly quotes are left out: English
# uses them too, and a comma after “hello” is English.
CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[!-~]*")
_URL_TRAILING = ".,;:!?'\""
_HTML_TOKEN = re.compile(
    r"<(?:!--.*?--|[!?][^>]*|(?P<closing>/)?(?P<name>[A-Za-z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);",
    re.S,
)
# Elements whose text is code or markup, never prose.
_VERBATIM = {"script", "style", "pre", "code", "kbd", "samp", "textarea"}
# Tags that end a paragraph: quotes and brackets never pair across them.
_BREAKING = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip


def chinese_punctuation_normalise(text: str, *, html: bool = False) -> str:
    """Text with the half-width marks of its Chinese prose made full-width; idempotent.

    With ``html``, only text nodes change: tags, attribute values, entities and code stay as written.
    """
    # A converted mark is itself CJK and may put its neighbour in Chinese prose ("中文,(注)"):
    # repeat until nothing changes. Each pass only converts, so this ends.
    while True:
        normalised = _normalise_once(text, html=html)
        if normalised == text:
            return text
        text = normalised


def _normalise_once(text: str, *, html: bool) -> str:
    visible, sources = _visible_html(text) if html else (text, list(range(len(text))))
    for url in _URL.finditer(visible):
        for index in range(url.start(), _url_end(visible, url)):
            sources[index] = None
    edits = _edits(visible, frozen=[source is None for source in sources])
    written = list(text)
    for index, replacement in edits.items():
        written[sources[index]] = replacement
    return "".join(written)


def _url_end(text: str, url: re.Match) -> int:
    """Where an address ends: sentence punctuation after it, or a bracket it did not open, is not in it."""
    end = url.end()
    while end > url.start():
        address = text[url.start() : end]
        if address[-1] in _URL_TRAILING or (address[-1] == ")" and address.count("(") < address.count(")")):
            end -= 1
        else:
            break
    return end


def _visible_html(markup: str) -> tuple[str, list[int | None]]:
    """The text a reader sees, and for each of its characters where it is in the markup.

    Characters that must stay as written (entities, code) map to None; tags that end a
    paragraph read as a line break.
    """
    visible: list[str] = []
    sources: list[int | None] = []
    verbatim = ""
    position = 0
    for token in _HTML_TOKEN.finditer(markup):
        for index in range(position, token.start()):
            visible.append(markup[index])
            sources.append(None if verbatim else index)
        position = token.end()
        name = (token["name"] or "").lower()
        if token.group().startswith("&"):
            decoded = html_entities.unescape(token.group())
            visible.extend(decoded)
            sources.extend([None] * len(decoded))
        elif verbatim:
            verbatim = "" if token["closing"] and name == verbatim else verbatim
        elif name in _VERBATIM and not token["closing"]:
            verbatim = name
        elif name in _BREAKING:
            visible.append("\n")
            sources.append(None)
    for index in range(position, len(markup)):
        visible.append(markup[index])
        sources.append(None if verbatim else index)
    return "".join(visible), sources


def _edits(text: str, *, frozen: list[bool]) -> dict[int, str]:
    """Replacements by position: each mark beside Chinese, and each pair of brackets or quotes one of whose
    halves is beside Chinese."""

    def chinese(index: int) -> bool:
        return 0 <= index < len(text) and bool(CJK.match(text[index]))

    def beside_chinese(index: int) -> bool:
        return chinese(index - 1) or chinese(index + 1)

    edits: dict[int, str] = {}
    for index, character in enumerate(text):
        if character in MARKS and not frozen[index] and beside_chinese(index):
            edits[index] = MARKS[character]
            # A full-width mark carries its own space.
            following = index + 1
            while following < len(text) and text[following] in " \t" and not frozen[following]:
                edits[following] = ""
                following += 1
    start = 0
    for line in text.split("\n"):
        positions = [i for i in range(start, start + len(line)) if not frozen[i]]
        start += len(line) + 1
        openers: list[int] = []
        lone: list[int] = []
        pairs: list[tuple[int, int]] = []
        for index in positions:
            if text[index] == "(":
                openers.append(index)
            elif text[index] == ")":
                if openers:
                    pairs.append((openers.pop(), index))
                else:
                    lone.append(index)
        for index in openers + lone:
            if beside_chinese(index):
                edits[index] = BRACKETS[text[index]]
        for opening, closing in pairs:
            if beside_chinese(opening) or beside_chinese(closing):
                edits[opening], edits[closing] = BRACKETS["("], BRACKETS[")"]
        for quote, (left, right) in QUOTES.items():
            marks = [i for i in positions if text[i] == quote and not _apostrophe(text, i)]
            # An odd quote out is left alone: which half it is cannot be told.
            for opening, closing in zip(marks[0::2], marks[1::2], strict=False):
                if beside_chinese(opening) or beside_chinese(closing):
                    edits[opening], edits[closing] = left, right
    return edits


def _apostrophe(text: str, index: int) -> bool:
    """don't, Xi'an: a single quote between two ASCII letters or digits."""
    if text[index] != "'" or index == 0 or index + 1 == len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()

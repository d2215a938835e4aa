"""Parse a work bulletin in the plain-text layout of 重庆党史工作 (see tests/publicity/data).

Layout: a title block (刊名, 第N期 (总第M期), 编印单位, date), a table of contents made of
【section】 headings with "- " lines, then the same 【section】 headings with the items, each
ending with a （…供稿） line, and the distribution block (报/送/发) and 责编 line at the end.
Print artefacts are undone: spaces left by line wrapping inside Chinese text and paragraphs
split by page breaks. Whatever cannot be read is reported, never silently dropped.
"""

import datetime
import re
from dataclasses import dataclass, field

CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019《》"
_WRAP_SPACE = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
_HEADING = re.compile(r"^【(?P<name>[^】]+)】$")
_CONTRIBUTOR = re.compile(r"^[（(](?P<unit>[^（）()]+?)供稿[）)]$")
_ISSUE = re.compile(r"^第\s*(?P<number>\d+)\s*期\s*[（(]\s*总第\s*(?P<total>\d+)\s*期\s*[）)]$")
_DATE = re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$")
_DISTRIBUTION = re.compile(r"^(?P<key>[报送发])\s*[:：]\s*(?P<value>.+)$")
_EDITOR = re.compile(r"^责编\s*[:：]")
_LIST_MARK = re.compile(r"^[-•·]\s*")
_TOC_MARK = re.compile(r"^[●◆■★]\s*")
# A paragraph that ends without these was cut by a page break and goes on in the next one.
_PARAGRAPH_END = tuple('。！？；：…”"）)》')
# How an organisation's name ends; anything after it is a department (宣教处, 南方局研究室).
UNIT_SUFFIX = re.compile(
    r"^(?P<unit>.+?(?:研究室|史志办|办公室|研究中心|编纂中心|纪念馆|管委会))(?P<dept>.*)$"
)
_FIRST_CLAUSE = re.compile(r"^(?P<clause>.+?)[,，。;；!?！？]")


def tidy(text: str) -> str:
    """Undo line-wrapping spaces inside Chinese text."""
    return _WRAP_SPACE.sub("", text.strip())


def _key(text: str) -> str:
    return re.sub(r"\s+", "", _TOC_MARK.sub("", text))


@dataclass
class ParsedItem:
    section: str
    title: str
    unit: str
    paragraphs: list[str]
    order: int
    title_from_text: bool = False


@dataclass
class ParsedBulletin:
    title: str = ""
    number: int | None = None
    total_number: int | None = None
    compiler: str = ""
    date: datetime.date | None = None
    sections: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    distribution: dict[str, str] = field(default_factory=dict)
    editor_line: str = ""
    problems: list[str] = field(default_factory=list)


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, list marks removed."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and _LIST_MARK.match(line.strip()) and current:
            # A list item starts a paragraph of its own even without a blank line before it.
            paragraphs.append(tidy(" ".join(current)))
            current = [line.strip()]
        elif line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(tidy(" ".join(current)))
            current = []
    return [_LIST_MARK.sub("", paragraph) for paragraph in paragraphs]


def _join_page_breaks(paragraphs: list[str]) -> list[str]:
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and not joined[-1].endswith(_PARAGRAPH_END) and len(joined[-1]) > 40:
            joined[-1] = tidy(joined[-1] + paragraph)
        else:
            joined.append(paragraph)
    return joined


def _looks_like_title(paragraph: str) -> bool:
    return len(paragraph) <= 48 and not paragraph.endswith(tuple("。！？；,，"))


def _looks_like_unit(paragraph: str) -> bool:
    return len(paragraph) <= 30 and bool(UNIT_SUFFIX.match(paragraph)) and not paragraph.endswith("。")


def title_from_text(paragraph: str) -> str:
    match = _FIRST_CLAUSE.match(paragraph)
    clause = match.group("clause") if match else paragraph
    return clause[:120]


def parse_bulletin(text: str) -> ParsedBulletin:
    result = ParsedBulletin()
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]

    # The title block: everything before the first heading.
    first_heading = next((i for i, line in enumerate(lines) if _HEADING.match(line.strip())), len(lines))
    for line in (line.strip() for line in lines[:first_heading]):
        if not line:
            continue
        if match := _ISSUE.match(line):
            result.number, result.total_number = int(match["number"]), int(match["total"])
        elif match := _DATE.match(line):
            result.date = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        elif not result.title:
            result.title = line
        elif line.endswith("编"):
            result.compiler = line[:-1]
        else:
            result.problems.append(f"刊头无法识别的行：{line}")
    for name, value in (("刊名", result.title), ("期号", result.number), ("日期", result.date)):
        if not value:
            result.problems.append(f"刊头缺少{name}")

    # The closing block: 报/送/发 and 责编 lines, wherever they are after the headings.
    body: list[str] = []
    for line in lines[first_heading:]:
        stripped = line.strip()
        if match := _DISTRIBUTION.match(stripped):
            result.distribution[match["key"]] = tidy(match["value"])
        elif _EDITOR.match(stripped):
            result.editor_line = re.sub(r"\s+", " ", stripped)
        else:
            body.append(line)

    # Split into (heading, lines) blocks; headings seen again start the items (the first run is the TOC).
    blocks: list[tuple[str, list[str]]] = []
    for line in body:
        if match := _HEADING.match(line.strip()):
            blocks.append((match["name"].strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
    toc: dict[str, list[str]] = {}
    content = blocks
    seen: set[str] = set()
    for index, (name, _block) in enumerate(blocks):
        if name in seen:
            toc = {
                n: [tidy(_TOC_MARK.sub("", _LIST_MARK.sub("", ln.strip()))) for ln in b if ln.strip()]
                for n, b in blocks[:index]
            }
            content = blocks[index:]
            break
        seen.add(name)

    order = 0
    for name, block in content:
        if name not in result.sections:
            result.sections.append(name)
        toc_titles = {_key(title): title for title in toc.get(name, [])}
        chunk: list[str] = []
        chunks: list[tuple[list[str], str]] = []
        for line in block:
            if match := _CONTRIBUTOR.match(line.strip()):
                chunks.append((chunk, tidy(match["unit"])))
                chunk = []
            else:
                chunk.append(line)
        if any(line.strip() for line in chunk):
            chunks.append((chunk, ""))
        for chunk_lines, unit in chunks:
            paragraphs = _paragraphs(chunk_lines)
            if not paragraphs:
                result.problems.append(f"【{name}】中有一个没有正文的供稿行：{unit}")
                continue
            has_title = (toc_titles and _key(paragraphs[0]) in toc_titles) or (
                len(paragraphs) > 1 and _looks_like_title(paragraphs[0])
            )
            if has_title:
                title = toc_titles.get(_key(paragraphs[0]), paragraphs[0])
                paragraphs = paragraphs[1:]
                from_text = False
            else:
                title = title_from_text(paragraphs[0])
                from_text = True
            if not unit and paragraphs and _looks_like_unit(paragraphs[0]):
                # 经验交流 prints the unit under the title instead of a 供稿 line.
                unit, paragraphs = paragraphs[0], paragraphs[1:]
            paragraphs = _join_page_breaks(paragraphs)
            if not unit:
                result.problems.append(f"【{name}】《{title}》没有供稿单位")
            order += 1
            result.items.append(
                ParsedItem(
                    section=name,
                    title=title,
                    unit=unit,
                    paragraphs=paragraphs,
                    order=order,
                    title_from_text=from_text,
                )
            )
            toc_titles.pop(_key(title), None)
        for missing in toc_titles.values():
            result.problems.append(f"目录中的《{missing}》在【{name}】正文中没有找到")
    return result

"""The English site's chrome (header, menu, breadcrumbs, footer) holds no Chinese, except content
that is only in Chinese (editors' page titles, the site settings' names), which is marked
lang="zh-Hans" so that readers and screen readers know it."""

import gettext
import io
import re
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portal.text import CJK

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
BULLETIN = ROOT / "tests" / "publicity" / "data" / "chongqing_bulletin_2020_03.txt"
PAGES = [
    "/en/",
    "/en/materials/",
    "/en/stories/",
    "/en/events/",
    "/en/research/experts/",
    "/en/about/",
    "/en/organisations/sc-province/",
]


@cache
def _interface_strings() -> tuple[frozenset[str], re.Pattern]:
    """The project's own Chinese interface strings: the msgids of its catalogues (written in Chinese,
    translated to English) and the msgstrs of its zh_Hans ones. Plain strings, to compare whole
    (重庆 is a region's label, and a word of many titles); and frames, to find inside a text, where a
    placeholder stands for a run of non-Chinese (a number, a year): 重庆党史工作 2020年第3期 holds
    %(year)s年第%(number)s期, while 2020年第一期（成都）, a training session's own title, does not."""
    strings = set()
    for mo in ROOT.glob("*/locale/*/LC_MESSAGES/*.mo"):
        with mo.open("rb") as file:
            catalog = gettext.GNUTranslations(file)._catalog
        chinese_source = mo.parts[-3] != "zh_Hans"
        for key, value in catalog.items():
            text = (key[0] if isinstance(key, tuple) else key) if chinese_source else value
            strings.add(" ".join(text.split()))
    plain, frames = set(), []
    for text in strings:
        parts = re.split(r"%\(\w+\)[sd]|%[sd]", text)
        if len(CJK.findall("".join(parts))) < 2:
            continue
        if len(parts) == 1:
            plain.add(text)
        else:
            frames.append(r"[^\u3400-\u9fff]+?".join(re.escape(part) for part in parts))
    return frozenset(plain), re.compile("|".join(sorted(frames, key=len, reverse=True)))


def _interface_inside_marks(html: bytes) -> list[str]:
    """Marked text that is an interface string, or holds a frame of one: chrome marked as content,
    so never translated."""
    plain, frames = _interface_strings()
    soup = BeautifulSoup(html, "html.parser")
    found = []
    # The language switch names each language in itself (中文 is meant to be Chinese).
    for element in soup.select('[lang^="zh"]:not(html):not([hreflang])'):
        text = " ".join(element.get_text(" ", strip=True).split())
        if text in plain:
            found.append(text)
        elif match := frames.search(text):
            found.append(f"{text} ({match.group().strip()})")
    return found


def _unmarked_chinese(html: bytes) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for part in soup.select("header.site-header, nav.breadcrumbs, footer.site-footer"):
        for marked in part.select('[lang^="zh"]'):
            marked.decompose()
        # The language switch names each language in itself (中文 is meant to be Chinese).
        text = " ".join(part.stripped_strings)
        chinese = [word for word in text.split() if CJK.search(word)]
        if chinese:
            found[part.name + "." + ".".join(part.get("class", []))] = chinese
    return found


def test_english_chrome_has_no_unmarked_chinese(client, home_page):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _unmarked_chinese(response.content) == {}, path
        assert _interface_inside_marks(response.content) == [], path


# Every kind of public page an English reader meets, on the demo content: a list, then one record
# of it (the first link the list gives whose address matches the pattern).
WHOLE_PAGES = [
    ("/en/", None),
    ("/en/stories/", r"^/en/stories/[^/?#]+/$"),
    ("/en/materials/", r"^/en/materials/[0-9a-f-]{36}/$"),
    ("/en/events/", None),
    ("/en/events/past/", r"^/en/events/[0-9a-f-]{36}/"),
    ("/en/research/", r"^/en/research/[0-9a-f-]{36}/$"),
    ("/en/training/", r"^/en/training/sessions/\d+/$"),
    ("/en/bulletins/", r"^/en/bulletins/\d+/$"),  # the seed bulletin, imported
    ("/en/organisations/", None),
    ("/en/organisations/sc-province/", None),
    ("/en/red-sites/", r"^/en/red-sites/[^/?#]+/$"),
    ("/en/events/month/2020/05/", r"^/en/events/[0-9a-f-]{36}/"),  # the demo's first joint meeting
    ("/en/search/?q=%E5%85%9A%E5%8F%B2", None),  # 党史
    ("/en/training/verify/", None),
    ("/en/no-such-page/", None),
]
# Pages that answer with another status than 200 (the not-found page is chrome too).
STATUS = {"/en/no-such-page/": 404}


def _unmarked_chinese_anywhere(html: bytes) -> list[str]:
    """The visible text of a whole page (its <title> too) that holds Chinese not marked lang="zh-Hans"."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup.select("script, style, template"):
        hidden.decompose()
    marked = [element for element in soup.select('[lang^="zh"]') if element.name != "html"]
    # The <title> cannot mark a part of itself: Chinese in it counts as marked where the page marks it.
    title = soup.title.extract().get_text(" ", strip=True) if soup.title else ""
    for text in sorted({m.get_text(" ", strip=True) for m in marked}, key=len, reverse=True):
        title = title.replace(text, "") if text else title
    for element in marked:
        element.decompose()
    return [text for text in [title.strip(), *soup.stripped_strings] if CJK.search(text)]


def test_english_pages_show_chinese_only_where_it_is_marked(client, home_page):
    from django.core.management import call_command

    call_command("import_bulletin", str(BULLETIN), stdout=io.StringIO())
    found = {}
    for index, detail in WHOLE_PAGES:
        paths = [index]
        if detail:
            listed = _soup(client, index)
            link = next((a["href"] for a in listed.select("a[href]") if re.match(detail, a["href"])), None)
            assert link, f"{index} links to no record matching {detail}"
            paths.append(link)
        for path in paths:
            response = client.get(path)
            assert response.status_code == STATUS.get(path, 200), path
            chinese = _unmarked_chinese_anywhere(response.content) + _interface_inside_marks(response.content)
            if chinese:
                found[path] = chinese
    report = "\n".join(f"{path}: " + " | ".join(texts[:20]) for path, texts in found.items())
    problem = 'Chinese outside lang="zh-Hans", or interface strings inside it, on the English site'
    assert not found, f"{problem}:\n{report}"


def test_the_whole_page_check_finds_unmarked_chinese():
    html = "<title>首页 第1期</title><p>Home <b lang='zh-Hans'>首页</b></p><script>'党史'</script><p>资料</p>"
    assert _unmarked_chinese_anywhere(html.encode()) == ["第1期", "资料"]


def test_the_check_finds_interface_strings_marked_as_content():
    """The interface's own words inside a mark are chrome passed off as content; content is not."""
    crumb = '<li lang="zh-Hans">重庆党史工作 2020年第3期 (总第198期)</li>'
    assert _interface_inside_marks(crumb.encode()) == [
        "重庆党史工作 2020年第3期 (总第198期) (2020年第3期)"
    ]
    assert _interface_inside_marks('<a lang="zh-Hans">首页</a>'.encode()) == ["首页"]
    content = (
        '<span lang="zh-Hans">重庆党史工作</span> <li lang="zh-Hans">2020年第一期（成都）</li>'
        '<b lang="zh-Hans">重庆市</b>'
    )
    switch = '<a lang="zh-hans" hreflang="zh-hans">中文</a>'
    assert _interface_inside_marks((content + switch).encode()) == []


def test_the_check_finds_unmarked_chinese():
    html = b'<header class="site-header"><a>Home</a><a>\xe9\xa6\x96\xe9\xa1\xb5</a></header>'
    assert _unmarked_chinese(html) == {"header.site-header": ["首页"]}
    marked = b'<header class="site-header"><a lang="zh-Hans">\xe9\xa6\x96\xe9\xa1\xb5</a></header>'
    assert _unmarked_chinese(marked) == {}


def _soup(client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def test_pages_show_english_readers_the_english_title_and_introduction(client, home_page):
    home = _soup(client, "/en/")
    assert home.h1.get_text(strip=True) == home_page.title_en
    assert home.select_one(".hero .lead").get_text(strip=True) == home_page.introduction_en
    assert not CJK.search(home.title.get_text())
    for path in ("/en/about/", "/en/stories/", "/en/organisations/", "/en/red-sites/"):
        page = _soup(client, path)
        heading, lead = page.h1, page.select_one("p.lead")
        assert heading.get_text(strip=True) and not CJK.search(heading.get_text()), path
        assert lead is not None and not CJK.search(lead.get_text()), path
        assert heading.get("lang") is None and not CJK.search(page.title.get_text()), path
        assert not CJK.search(page.select_one("nav.breadcrumbs").get_text()), path
    menu = [a.get_text(strip=True) for a in home.select('header a[href="/en/about/"]')]
    assert "About the Sichuan–Chongqing party-history cooperation" in menu


def test_a_page_without_an_english_version_shows_its_chinese_marked(client, home_page):
    from portal.models import StandardPage

    about = StandardPage.objects.get(slug="about")
    about.title_en = about.introduction_en = ""
    about.save_revision().publish()
    page = _soup(client, "/en/about/")
    assert (page.h1.get_text(strip=True), page.h1.get("lang")) == (about.title, "zh-Hans")
    assert page.select_one("p.lead").get("lang") == "zh-Hans"
    menu = {a.get_text(strip=True): a.get("lang") for a in page.select('header a[href="/en/about/"]')}
    assert menu[about.title] == "zh-Hans"
    chinese = _soup(client, "/about/")
    assert (chinese.h1.get_text(strip=True), chinese.h1.get("lang")) == (about.title, None)

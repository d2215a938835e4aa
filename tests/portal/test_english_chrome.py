"""The English site's chrome (header, menu, breadcrumbs, footer) holds no Chinese, except content
that is only in Chinese (editors' page titles, the site settings' names), which is marked
lang="zh-Hans" so that readers and screen readers know it."""

import re

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PAGES = [
    "/en/",
    "/en/materials/",
    "/en/stories/",
    "/en/events/",
    "/en/research/experts/",
    "/en/about/",
    "/en/organisations/sc-province/",
]


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

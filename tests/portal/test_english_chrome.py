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

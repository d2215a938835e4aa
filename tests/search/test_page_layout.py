"""The search page: results before the facets, the facets in a drawer, hints on an empty page."""

import pytest

from search.results import PAGE_SIZE
from tests.support.pages import page_links

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(no_elasticsearch, qijiang):
    return f.material("中央红军长征过綦江", qijiang, description="红军长征途经綦江。")


def test_results_come_before_the_facets_which_sit_in_a_closed_drawer(client, records):
    html = client.get("/search/", {"q": "长征"}).content.decode()
    assert "search/search.css" in html
    assert html.index('class="search-results"') < html.index('class="search-facets"')
    assert '<details class="facet-drawer" data-facet-drawer>' in html  # closed until facets.js opens it
    assert 'class="facet facet-region"' in html and 'class="facet facet-module"' in html
    assert "search-hints" not in html


def test_an_empty_page_gives_hints_and_a_link_that_clears_the_filters(client, records):
    html = client.get("/search/", {"q": "长征", "module": "events", "region": "sichuan"}).content.decode()
    assert "没有找到相关内容。" in html and "检查关键词是否有错别字" in html
    assert "减少关键词，或换用更常见的说法" in html and "取消部分筛选条件" in html
    assert 'class="clear-filters" href="?q=%E9%95%BF%E5%BE%81"' in html

    unfiltered = client.get("/search/", {"q": "不存在的档案"}).content.decode()
    assert "检查关键词是否有错别字" in unfiltered
    assert "取消部分筛选条件" not in unfiltered and "clear-filters" not in unfiltered


def test_the_english_page_gives_english_hints(client, records):
    html = client.get("/en/search/", {"q": "不存在的档案", "module": "events"}).content.decode()
    assert "Check the keywords for typos" in html and "Clear all filters" in html
    assert "检查关键词" not in html


def test_results_longer_than_a_page_use_the_shared_pagination(client, no_elasticsearch, qijiang):
    for number in range(PAGE_SIZE + 3):
        f.material(f"綦江长征史料第{number:02d}号", qijiang)
    html = client.get("/search/", {"q": "长征", "region": "chongqing"}).content.decode()
    assert html.count('class="search-result ') == PAGE_SIZE
    assert "第 1 页，共 2 页" in html and 'rel="prev"' not in html
    following = page_links(html)["next"]
    assert following == "?q=%E9%95%BF%E5%BE%81&region=chongqing&page=2"
    second = client.get("/search/" + following).content.decode()
    assert second.count('class="search-result ') == 3
    assert "第 2 页，共 2 页" in second and 'rel="next"' not in second
    assert page_links(second)["prev"] == "?q=%E9%95%BF%E5%BE%81&region=chongqing&page=1"

"""Excerpts say "…" where they are cut, on Elasticsearch and on the database fallback."""

import pytest

from search.results import highlight
from search.selectors import content_search

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.services]

FILLER = "两地党史部门联合开展资料征集工作。"
MONUMENT = "綦江红军烈士纪念碑修缮完成。"


@pytest.fixture
def monuments(backend, qijiang):
    return {
        "middle": f.material("綦江党史资料汇编", qijiang, description=FILLER * 10 + MONUMENT + FILLER * 10),
        "whole": f.material("綦江烈士陵园简介", qijiang, description=MONUMENT),
    }


def snippets(results) -> dict:
    return {hit["title"]: hit["snippet_html"] for hit in results.hits}


def test_an_excerpt_cut_at_both_ends_says_so(backend, monuments):
    results = content_search(query="纪念碑")
    assert results.backend == backend
    cut = snippets(results)["綦江党史资料汇编"]
    assert "<mark>" in cut and "纪念碑" in cut
    assert cut.startswith("…") and cut.endswith("…")


def test_a_whole_text_has_no_ellipsis(backend, monuments):
    whole = snippets(content_search(query="纪念碑"))["綦江烈士陵园简介"]
    assert "<mark>" in whole
    assert not whole.startswith("…") and not whole.endswith("…")


def test_the_opening_of_a_long_text_is_cut_at_its_end_only(backend, monuments):
    results = content_search(query="", filters={"module": ["materials"]})
    assert results.backend == backend
    opening = snippets(results)["綦江党史资料汇编"]
    assert opening.startswith(FILLER[:10]) and opening.endswith("…")
    assert snippets(results)["綦江烈士陵园简介"] == MONUMENT


def test_a_database_excerpt_starts_at_a_clause():
    text = "第一句话说的是别的事情，" * 3 + "第二句讲红军长征过綦江。" + "后面还有很多别的内容。" * 20
    excerpt = highlight(text, ["长征"], length=40)
    assert excerpt.startswith("…第二句讲红军<mark>长征</mark>") and excerpt.endswith("…")
    assert highlight("红军长征过綦江。", ["长征"], length=40) == "红军<mark>长征</mark>过綦江。"

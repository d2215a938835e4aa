"""Without ELASTICSEARCH_URL the same page and JSON answer from Wagtail's database search."""

import pytest

from search.selectors import content_search, content_suggest

from . import factories as f
from .conftest import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_only(no_elasticsearch, corpus):
    return corpus


def test_fallback_finds_the_same_records_for_chinese_queries(database_only):
    assert "中央红军长征过綦江" in titles(content_search(query="长征"))
    assert titles(content_search(query="长征"))[0] == "长征"
    assert titles(content_search(query="红岩精神")) == ["弘扬红岩精神学术研讨会"]
    assert "南方局在红岩村" in titles(content_search(query="南方局"))


def test_fallback_has_facets_filters_and_highlights(database_only):
    results = content_search(query="长征")
    modules = {b["value"]: b["count"] for b in results.facets["module"]}
    assert modules == {"materials": 1, "research": 1}
    filtered = content_search(query="长征", filters={"module": ["materials"]})
    assert titles(filtered) == ["中央红军长征过綦江"]
    assert "<mark>长征</mark>" in filtered.hits[0]["snippet_html"]


def test_fallback_applies_the_access_rule(no_elasticsearch, qijiang, chengdu):
    f.material("綦江内部整理的长征档案", qijiang, access_level="internal")
    f.material("协作单位共享的长征资料", chengdu, access_level="partners")
    f.material("公开的长征资料", chengdu)

    assert titles(content_search(query="长征")) == ["公开的长征资料"]
    assert "綦江内部整理的长征档案" not in titles(content_search(query="长征", user=f.staff("cd", chengdu)))
    assert "綦江内部整理的长征档案" in titles(content_search(query="长征", user=f.staff("qj", qijiang)))


def test_fallback_page_json_and_suggestions(client, database_only):
    data = client.get("/search/", {"q": "红岩精神", "format": "json"}).json()
    assert data["backend"] == "database"
    assert [r["title"] for r in data["results"]] == ["弘扬红岩精神学术研讨会"]
    assert "弘扬红岩精神学术研讨会" in client.get("/search/", {"q": "红岩精神"}).content.decode()
    assert ("title", "中央红军长征过綦江") in {
        (s["kind"], s["text"]) for s in content_suggest(query="中央红")
    }
    assert ("person", "周恩来") in {(s["kind"], s["text"]) for s in content_suggest(query="周恩")}


def test_fallback_facets_keep_their_alternatives(database_only):
    only_materials = content_search(query="长征", filters={"module": ["materials"]})
    assert titles(only_materials) == ["中央红军长征过綦江"]
    modules = {b["value"]: (b["count"], b["selected"]) for b in only_materials.facets["module"]}
    assert modules == {"materials": (1, True), "research": (1, False)}

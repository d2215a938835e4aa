import pytest

from django.test import override_settings

from portal.segmentation import segment_for_index, segment_query
from search.selectors import content_search
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("川渝联合培训课程", "培训"),
        ("中央红军长征过綦江", "长征"),
        ("弘扬红岩精神", "红岩精神"),
        ("中共中央南方局暨八路军驻重庆办事处旧址", "南方局"),
    ],
)
def test_every_query_word_is_among_the_indexed_words(text, query):
    indexed = set(segment_for_index(text).split())
    assert set(segment_query(query).split()) <= indexed


def test_database_search_finds_chinese_words_inside_titles(home_page):
    course = StandardPageFactory(parent=home_page, title="川渝联合培训课程")
    symposium = StandardPageFactory(parent=home_page, title="红岩精神学术研讨会")

    # The database backend the site answers from when Elasticsearch is not configured.
    with override_settings(ELASTICSEARCH_URL=""):
        training_hits = [h["title"] for h in content_search(query="培训").hits]
        symposium_hits = [h["title"] for h in content_search(query="研讨会").hits]
    assert course.title in training_hits and symposium.title not in training_hits
    assert symposium.title in symposium_hits and course.title not in symposium_hits


def test_search_page_and_json_answer_the_same(client, home_page):
    StandardPageFactory(parent=home_page, title="川渝联合培训课程")
    html = client.get("/search/", {"q": "培训"}).content.decode()
    data = client.get("/search/", {"q": "培训", "format": "json"}).json()
    assert "川渝联合培训课程" in html
    assert "川渝联合培训课程" in [r["title"] for r in data["results"]]

"""Queries of several Chinese words find records holding the words apart, on both backends.

Each test runs once on Elasticsearch and once on the database fallback (the `backend` fixture).
"""

import pytest

from search.selectors import content_search

from . import factories as f
from .conftest import titles

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def heritage(backend, qijiang, chengdu):
    return {
        "title_apart": f.project("川渝长征文化资源保护利用研究", qijiang, summary="两地联合课题。"),
        "title_phrase": f.material("长征文化保护工作座谈会纪要", chengdu, description="座谈会纪要。"),
        "body_phrase": f.course("重庆党史干部培训班", qijiang, summary="培训班部署长征文化保护工程。"),
        "body_apart": f.course("四川党史干部培训班", chengdu, summary="培训班部署长征沿线文化遗存保护。"),
        "some_words": f.material("长征文化展览图录", chengdu, description="展览图录。"),
        "reversed": f.event("川渝两地传承和弘扬红岩精神", qijiang, summary="研讨会。"),
        "spirit_phrase": f.event("红岩精神传承座谈会", chengdu, summary="座谈会。"),
    }


def test_words_apart_are_found_and_the_phrase_ranks_first(backend, heritage):
    results = content_search(query="长征文化保护")
    assert results.backend == backend
    found = titles(results)
    # Every word is still required: a record with only some of them is not found.
    assert set(found) == {
        "川渝长征文化资源保护利用研究",
        "长征文化保护工作座谈会纪要",
        "重庆党史干部培训班",
        "四川党史干部培训班",
    }
    assert found[0] == "长征文化保护工作座谈会纪要"
    assert found.index("长征文化保护工作座谈会纪要") < found.index("川渝长征文化资源保护利用研究")
    assert found.index("重庆党史干部培训班") < found.index("四川党史干部培训班")


def test_words_in_another_order_are_found_after_the_phrase(backend, heritage):
    results = content_search(query="红岩精神传承")
    assert results.backend == backend
    assert titles(results) == ["红岩精神传承座谈会", "川渝两地传承和弘扬红岩精神"]


def test_a_filler_character_between_the_words_does_not_hide_records(backend, heritage):
    results = content_search(query="长征的文化保护")
    assert results.backend == backend
    assert "川渝长征文化资源保护利用研究" in titles(results)

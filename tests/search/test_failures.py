"""What the search feature does when Elasticsearch is missing its index or refuses a request."""

import pytest
from elasticsearch import ApiError, Elasticsearch

from portal.services import topic_get_or_create
from search import services
from search.tasks import Retryable, _retry_transient

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_suggestions_come_from_the_database_when_the_index_is_missing(client, settings):
    topic_get_or_create(kind="person", name="周恩来")
    services.indexes_drop()
    response = client.get("/search/suggest/", {"q": "周恩"})
    assert response.status_code == 200
    assert "周恩来" in {s["text"] for s in response.json()["suggestions"]}


def test_a_request_elasticsearch_refuses_is_not_retried_but_an_unreachable_node_is(elasticsearch_url):
    node = Elasticsearch(elasticsearch_url)
    with pytest.raises(ApiError) as refused:
        _retry_transient(lambda: node.indices.create(index="Bad-Uppercase-Name"))
    assert refused.value.meta.status == 400 and not isinstance(refused.value, Retryable)
    down = Elasticsearch("http://127.0.0.1:9", retry_on_timeout=False, max_retries=0)
    with pytest.raises(Retryable):
        _retry_transient(lambda: down.info())


def test_a_database_that_cannot_be_reached_while_indexing_is_tried_again():
    from django.db import connections

    default = connections["default"]
    unreachable = type(default)({**default.settings_dict, "HOST": "127.0.0.1", "PORT": 1}, alias="down")
    try:
        with pytest.raises(Retryable):
            _retry_transient(lambda: unreachable.cursor())
    finally:
        unreachable.close()

"""Elasticsearch documents. Chinese text is analysed with the built-in cjk bigram analyzer."""

from elasticsearch_dsl import Date, Document, Keyword, Text, analyzer, connections

from django.conf import settings

chinese = analyzer("cjk")


def index_name(suffix: str = "content") -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-{suffix}"


def connect(alias: str = "default"):
    """The elasticsearch-dsl connection for ELASTICSEARCH_URL (one per process)."""
    if not settings.ELASTICSEARCH_URL:
        raise RuntimeError("ELASTICSEARCH_URL is not set")
    try:
        return connections.get_connection(alias)
    except KeyError:
        return connections.create_connection(
            alias=alias, hosts=[settings.ELASTICSEARCH_URL], request_timeout=10
        )


class ContentDocument(Document):
    """One searchable record of any module, from either region."""

    title = Text(analyzer=chinese, fields={"exact": Keyword()})
    body = Text(analyzer=chinese)
    module = Keyword()
    content_type = Keyword()
    region = Keyword()
    organisation = Keyword()
    access_level = Keyword()
    period = Keyword()
    url = Keyword(index=False)
    published_at = Date()

    class Index:
        name = "portal-content"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

"""Elasticsearch documents. Chinese text is analysed with the built-in cjk bigram analyzer.

Readers query the alias `<prefix>-content`; the index behind it carries a
timestamp so that `search_rebuild` can fill a new one and swap the alias in
one step. While a rebuild runs, the new index also holds the alias
`<prefix>-content-building`, and live indexing writes to both.
"""

from elasticsearch_dsl import (
    Date,
    Document,
    InnerDoc,
    Integer,
    Keyword,
    Nested,
    Text,
    analyzer,
    connections,
    token_filter,
    tokenizer,
)

from django.conf import settings
from django.utils import timezone

from portal.elasticsearch import elasticsearch_client_options

chinese = analyzer("cjk")
# Suggestions: every prefix of a title (up to 20 characters) is a term, so a
# partial title typed by a reader matches with one term lookup.
_prefixes = tokenizer("portal_prefixes", "edge_ngram", min_gram=1, max_gram=20, token_chars=[])
prefix_index = analyzer("portal_prefix_index", tokenizer=_prefixes, filter=["lowercase", "cjk_width"])
prefix_search = analyzer(
    "portal_prefix_search",
    tokenizer="keyword",
    filter=["lowercase", "cjk_width", token_filter("portal_truncate", "truncate", length=20)],
)


def index_name(suffix: str = "content") -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-{suffix}"


def alias_name() -> str:
    return index_name("content")


def building_alias_name() -> str:
    return index_name("content-building")


def versioned_index_name() -> str:
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


def connect(alias: str = "default"):
    """The elasticsearch-dsl connection for ELASTICSEARCH_URL (one per process)."""
    if not settings.ELASTICSEARCH_URL:
        raise RuntimeError("ELASTICSEARCH_URL is not set")
    try:
        client = connections.get_connection(alias)
    except KeyError:
        client = None
    # Tests and the benchmark may point ELASTICSEARCH_URL somewhere else mid-process.
    if client is None or getattr(client, "_portal_url", None) != settings.ELASTICSEARCH_URL:
        client = connections.create_connection(
            alias=alias, **elasticsearch_client_options(request_timeout=30)
        )
        client._portal_url = settings.ELASTICSEARCH_URL
    return client


def _prefixed_keyword():
    return Keyword(fields={"prefix": Text(analyzer=prefix_index, search_analyzer=prefix_search)})


class PageText(InnerDoc):
    """The text of one page of a record's file, so that a hit can say on which page it is (第3页)."""

    number = Integer()
    text = Text(analyzer=chinese)
    url = Keyword(index=False)


class ContentDocument(Document):
    """One searchable record of any module, from either region."""

    title = Text(
        analyzer=chinese,
        fields={
            "exact": Keyword(),
            "prefix": Text(analyzer=prefix_index, search_analyzer=prefix_search),
        },
    )
    body = Text(analyzer=chinese)
    module = Keyword()
    content_type = Keyword()
    type = Keyword()
    region = Keyword()
    organisation = Keyword()
    organisation_name = Keyword()
    owner_organisation_id = Integer()
    access_level = Keyword()
    period = Keyword()
    year = Integer()
    people = _prefixed_keyword()
    places = _prefixed_keyword()
    url = Keyword(index=False)
    published_at = Date()
    pages = Nested(PageText)

    class Index:
        # Shards and replicas come from settings when an index is created (services.index_create).
        name = "portal-content"

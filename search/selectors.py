"""Reads for the search page: Elasticsearch when configured, Wagtail's database search otherwise.

Both paths return the same SearchResults so that the page and the JSON do
not care which one answered. Every path applies portal.access's rule.
"""

import logging

from elasticsearch import ApiError, TransportError

from django.conf import settings

from .db_selectors import db_search, db_suggest
from .es_selectors import es_search, es_suggest
from .results import MAX_QUERY, SearchResults

logger = logging.getLogger(__name__)


def content_search(*, query: str, filters: dict | None = None, user=None, page: int = 1) -> SearchResults:
    query = (query or "").strip()[:MAX_QUERY]
    filters = filters or {}
    if not query and not filters:
        return SearchResults(
            query=query, backend="elasticsearch" if settings.ELASTICSEARCH_URL else "database"
        )
    page = max(1, min(page, 500))
    if settings.ELASTICSEARCH_URL:
        try:
            return es_search(query=query, filters=filters, user=user, page=page)
        except (ApiError, TransportError):
            # Readers still get answers from the database while Elasticsearch is away.
            logger.exception("Elasticsearch search failed; answering from the database")
    return db_search(query=query, filters=filters, user=user, page=page)


def content_suggest(*, query: str, user=None) -> list[dict]:
    query = (query or "").strip()[:50]
    if not query:
        return []
    if settings.ELASTICSEARCH_URL:
        try:
            return es_suggest(query=query, user=user)
        except (ApiError, TransportError):
            logger.exception("Elasticsearch suggestions failed; answering from the database")
    return db_suggest(query=query, user=user)

"""Search and suggestions on Wagtail's database backend, when Elasticsearch is not configured or away.

The indexed text holds jieba's words (portal.segmentation), so queries are cut the same way.
"""

from django.db.models import Q

from wagtail.search.backends import get_search_backend

from portal.access import reader_for, visible_to
from portal.models import Topic

from .results import (
    FACETS,
    MAX_QUERY,
    PAGE_SIZE,
    PAGES_SHOWN,
    SearchResults,
    document_hit,
    facet_buckets,
    highlight,
    page_hit,
    query_words,
    unique,
)
from .sources import installed_sources, record_document, type_labels

# The database fallback reads at most this many matches per model.
DATABASE_LIMIT = 500


def _visible(reader, document: dict) -> bool:
    return reader.allows(level=document["access_level"], owner_id=document["owner_organisation_id"])


def _db_pages(document: dict, words: list[str]) -> list[dict]:
    """The first pages holding every word of the query, as Elasticsearch's inner hits would show them."""
    if not words:
        return []
    pages = []
    for page in document.get("pages") or []:
        if all(word in page["text"] for word in words):
            snippet = highlight(page["text"], words, length=80)
            pages.append(page_hit(number=page["number"], url=page["url"], snippet_html=snippet))
            if len(pages) == PAGES_SHOWN:
                break
    return pages


def db_documents(*, query: str, user) -> list[dict]:
    """Every record the reader may see matching the query, as index documents."""
    words = " ".join(query_words(query[:MAX_QUERY])) if query else ""
    if query and not words:
        return []
    reader = reader_for(user)
    backend = get_search_backend()
    documents = []
    for source in installed_sources():
        if words:
            ids = [r.pk for r in backend.search(words, source.model, operator="and")[:DATABASE_LIMIT]]
        else:
            ids = list(source.records().order_by("-pk").values_list("pk", flat=True)[:DATABASE_LIMIT])
        records = source.document_records().filter(pk__in=ids)
        if source.shared:
            records = visible_to(user, records)
        for record in records:
            document = record_document(source, record)
            if document and _visible(reader, document):
                documents.append(document)
    return documents


def _db_rank(query: str):
    def key(document):
        title = document["title"]
        exact = title == query or query in document.get("people", [])
        published = document.get("published_at")
        stamp = published.isoformat() if hasattr(published, "isoformat") else str(published or "")
        # Exact titles and names first, then titles holding the query as it was typed, then
        # texts holding it (before those holding its words apart), then the newest.
        phrase = query in title or query in (document.get("body") or "")
        return (not exact, query not in title, not phrase, not stamp, _neg(stamp))

    return key


def _neg(text: str) -> tuple:
    return tuple(-ord(c) for c in text)


def db_search(*, query: str, filters: dict, user, page: int = 1) -> SearchResults:
    documents = db_documents(query=query, user=user)

    def matches(document, *, skip: str | None = None):
        for name, values in filters.items():
            if name != skip and str(document.get(name)) not in values:
                return False
        return True

    selected = [d for d in documents if matches(d)]
    if query:
        selected.sort(key=_db_rank(query))
    results = SearchResults(query=query, backend="database", page=page, filters=filters, total=len(selected))
    words = query_words(query) if query else []
    types = type_labels()
    start = (page - 1) * PAGE_SIZE
    for document in selected[start : start + PAGE_SIZE]:
        hit = document_hit(document, {}, types, _db_pages(document, words))
        hit["title_html"] = highlight(document["title"], words)
        hit["snippet_html"] = highlight(document.get("body") or "", words, length=120)
        results.hits.append(hit)
    for name in FACETS:
        counts: dict = {}
        for document in (d for d in documents if matches(d, skip=name)):
            if (value := document.get(name)) not in (None, ""):
                counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts.items(), key=(lambda i: -i[0]) if name == "year" else (lambda i: -i[1]))
        results.facets[name] = facet_buckets(name, ordered[:30], filters.get(name, []))
    return results


def db_suggest(*, query: str, user, limit: int = 8) -> list[dict]:
    reader = reader_for(user)
    suggestions = []
    for source in installed_sources():
        title_field = source.model.search_text[0]
        records = source.records().filter(**{f"{title_field}__icontains": query})
        if source.shared:
            records = visible_to(user, records)
        for record in records.order_by("pk")[:limit]:
            document = record_document(source, record)
            if document and _visible(reader, document):
                suggestions.append({"text": document["title"], "kind": "title", "url": document["url"]})
    suggestions.sort(key=lambda s: (not s["text"].startswith(query), len(s["text"])))
    suggestions = suggestions[:limit]
    topics = Topic.objects.filter(
        Q(kind=Topic.Kind.PERSON) | Q(kind=Topic.Kind.PLACE), name__startswith=query
    ).order_by("name")[:10]
    suggestions += [{"text": t.name, "kind": t.kind, "url": ""} for t in topics]
    return unique(suggestions)

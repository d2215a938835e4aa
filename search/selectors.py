"""Reads for the search page: Elasticsearch when configured, Wagtail's database search otherwise.

Both paths return the same SearchResults so that the page and the JSON do
not care which one answered. Every path applies portal.access's rule.
"""

import logging
import math
import re
from dataclasses import dataclass, field

from elasticsearch import ApiError, TransportError

from django.conf import settings
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from portal.access import Reader, reader_for, visible_to
from portal.models import AccessLevel, HistoricalPeriod, Organisation, Region, Topic

from .documents import alias_name, connect
from .segmentation import segment_query
from .sources import MODULE_LABELS, installed_sources, record_document

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_QUERY = 200
FACETS = ("region", "module", "type", "period", "year", "organisation")
FACET_LABELS = {
    "region": _("地区"),
    "module": _("栏目"),
    "type": _("类型"),
    "period": _("历史时期"),
    "year": _("年份"),
    "organisation": _("单位"),
}
# The database fallback reads at most this many matches per model.
DATABASE_LIMIT = 500


@dataclass
class SearchResults:
    query: str
    backend: str
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE
    hits: list[dict] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "backend": self.backend,
            "count": self.total,
            "page": self.page,
            "num_pages": self.num_pages,
            "filters": self.filters,
            "results": [
                {key: value for key, value in hit.items() if not key.startswith("_")} for hit in self.hits
            ],
            "facets": {
                name: [{k: str(v) if k == "label" else v for k, v in b.items()} for b in buckets]
                for name, buckets in self.facets.items()
            },
        }


def _type_labels() -> dict:
    from django.apps import apps

    labels = {
        "project": _("研究课题"),
        "expert": _("专家"),
        "course": _("培训课程"),
        "story": _("稿件"),
        "page": _("网站页面"),
    }
    if apps.is_installed("materials"):
        from materials.models import MaterialType

        labels.update(dict(MaterialType.choices))
    if apps.is_installed("events"):
        from events.models import EventType

        labels.update(dict(EventType.choices))
    return labels


def _labels(name: str, values) -> dict:
    if name == "region":
        return dict(Region.choices)
    if name == "module":
        return MODULE_LABELS
    if name == "type":
        return _type_labels()
    if name == "period":
        return dict(HistoricalPeriod.choices)
    if name == "organisation":
        return dict(Organisation.objects.filter(code__in=list(values)).values_list("code", "name"))
    return {}


def _facet_buckets(name: str, counts: list[tuple], selected: list[str]) -> list[dict]:
    labels = _labels(name, [value for value, _count in counts])
    return [
        {
            "value": str(value),
            "label": labels.get(value, labels.get(str(value), str(value))),
            "count": count,
            "selected": str(value) in selected,
        }
        for value, count in counts
    ]


def clean_filters(params) -> dict[str, list[str]]:
    """The facet filters of a query string (repeated keys combine as OR, facets as AND)."""
    filters = {}
    for name in FACETS:
        values = [v.strip()[:100] for v in params.getlist(name) if v.strip()][:20]
        if name == "year":
            values = [v for v in values if v.isdigit()]
        if values:
            filters[name] = values
    return filters


# --- access -------------------------------------------------------------------


def _reader(user) -> Reader:
    return reader_for(user)


def es_access_filter(user) -> dict | None:
    """portal.access's rule as an Elasticsearch filter (the index carries level and owner)."""
    reader = _reader(user)
    if reader.sees_all:
        return None
    everywhere = {"terms": {"access_level": reader.levels_everywhere}}
    if reader.organisation_id is None:
        return everywhere
    own_internal = {
        "bool": {
            "filter": [
                {"term": {"access_level": AccessLevel.INTERNAL}},
                {"term": {"owner_organisation_id": reader.organisation_id}},
            ]
        }
    }
    return {"bool": {"should": [everywhere, own_internal], "minimum_should_match": 1}}


def _document_visible(document: dict, *, reader: Reader) -> bool:
    return reader.allows(level=document["access_level"], owner_id=document["owner_organisation_id"])


# --- Elasticsearch --------------------------------------------------------------


def es_query_body(*, query: str, filters: dict, user, page: int, page_size: int = PAGE_SIZE) -> dict:
    """One request: hits, highlights and every facet's counts.

    Facet filters go in post_filter, and each facet counts under the other facets'
    filters only: values of one facet combine as OR (the reader sees the alternatives),
    facets combine as AND. The access rule is in the query itself, so it bounds everything.
    """
    access = es_access_filter(user)
    clauses = [access] if access is not None else []
    facet_filters = {name: {"terms": {name: values}} for name, values in filters.items()}
    if query:
        text = {
            "bool": {
                "should": [
                    {"match": {"title": {"query": query, "operator": "and"}}},
                    {"match": {"body": {"query": query, "operator": "and"}}},
                    {"term": {"people": query}},
                    {"term": {"places": query}},
                    {"term": {"organisation_name": query}},
                ],
                "minimum_should_match": 1,
            }
        }
        scored = {
            "bool": {
                "must": [text],
                "filter": clauses,
                # An exact title (or a person's name) comes first, then titles holding the phrase.
                "should": [
                    {"term": {"title.exact": {"value": query, "boost": 100}}},
                    {"term": {"people": {"value": query, "boost": 20}}},
                    {"match_phrase": {"title": {"query": query, "boost": 10}}},
                    {"match_phrase": {"body": {"query": query, "boost": 2}}},
                ],
            }
        }
    else:
        scored = {"bool": {"filter": clauses}}
    aggs = {}
    for name in FACETS:
        terms = {"field": name, "size": 30}
        if name == "year":
            terms["order"] = {"_key": "desc"}
        others = [f for other, f in facet_filters.items() if other != name]
        aggs[name] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": {"terms": terms}}}
    body = {
        "query": scored,
        "from": (page - 1) * page_size,
        "size": page_size,
        "track_total_hits": True,
        "_source": {"excludes": ["body"]},
        "aggs": aggs,
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                "title": {"number_of_fragments": 0},
                "body": {"fragment_size": 120, "number_of_fragments": 2, "no_match_size": 120},
            },
        },
    }
    if facet_filters:
        body["post_filter"] = {"bool": {"filter": list(facet_filters.values())}}
    if not query:
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_doc"]
        body["highlight"]["fields"] = {"body": {"no_match_size": 120, "number_of_fragments": 0}}
    return body


def _hit(source: dict, highlight: dict, type_labels: dict) -> dict:
    return {
        "title": source["title"],
        "title_html": (highlight.get("title") or [escape(source["title"])])[0],
        "snippet_html": " … ".join(highlight.get("body") or []),
        "url": source.get("url") or "",
        "module": source["module"],
        "module_label": str(MODULE_LABELS.get(source["module"], source["module"])),
        "type": source.get("type"),
        "type_label": str(type_labels.get(source.get("type"), source.get("type") or "")),
        "region": source["region"],
        "region_label": str(Region(source["region"]).label) if source["region"] in Region.values else "",
        "organisation": source.get("organisation"),
        "organisation_name": source.get("organisation_name"),
        "period": source.get("period"),
        "year": source.get("year"),
        "access_level": source["access_level"],
        "people": source.get("people") or [],
        "places": source.get("places") or [],
    }


def es_search(*, query: str, filters: dict, user, page: int = 1) -> SearchResults:
    body = es_query_body(query=query, filters=filters, user=user, page=page)
    response = connect().search(index=alias_name(), body=body)
    type_labels = _type_labels()
    results = SearchResults(query=query, backend="elasticsearch", page=page, filters=filters)
    results.total = response["hits"]["total"]["value"]
    results.hits = [_hit(h["_source"], h.get("highlight", {}), type_labels) for h in response["hits"]["hits"]]
    for name in FACETS:
        buckets = response["aggregations"][name]["values"]["buckets"]
        counts = [(b["key"], b["doc_count"]) for b in buckets]
        results.facets[name] = _facet_buckets(name, counts, filters.get(name, []))
    return results


def _regex_prefix(text: str) -> str:
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~])', r"\\\1", text) + ".*"


def es_suggest(*, query: str, user, limit: int = 8) -> list[dict]:
    access = es_access_filter(user)
    access_clauses = [access] if access is not None else []
    names_filter = {
        "bool": {
            "filter": access_clauses,
            "should": [{"match": {"people.prefix": query}}, {"match": {"places.prefix": query}}],
            "minimum_should_match": 1,
        }
    }
    body = {
        "size": limit,
        "_source": ["title", "url", "module"],
        "query": {
            "bool": {
                "filter": access_clauses,
                "should": [
                    {"match": {"title.prefix": {"query": query, "boost": 3}}},
                    {"match_phrase": {"title": query}},
                ],
                "minimum_should_match": 1,
            }
        },
        "aggs": {
            "names": {
                "global": {},
                "aggs": {
                    "visible": {
                        "filter": names_filter,
                        "aggs": {
                            kind: {"terms": {"field": kind, "include": _regex_prefix(query), "size": 5}}
                            for kind in ("people", "places")
                        },
                    }
                },
            }
        },
    }
    response = connect().search(index=alias_name(), body=body)
    suggestions = [
        {"text": h["_source"]["title"], "kind": "title", "url": h["_source"].get("url") or ""}
        for h in response["hits"]["hits"]
    ]
    visible = response["aggregations"]["names"]["visible"]
    for kind, label in (("people", "person"), ("places", "place")):
        suggestions += [{"text": b["key"], "kind": label, "url": ""} for b in visible[kind]["buckets"]]
    return _unique(suggestions)[: limit + 10]


def _unique(suggestions: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for item in suggestions:
        key = (item["kind"], item["text"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


# --- database fallback ------------------------------------------------------------


def _highlight(text: str, words: list[str], *, length: int | None = None) -> str:
    text = str(text or "")
    if length is not None:
        positions = [text.find(w) for w in words if w and text.find(w) >= 0]
        start = max(0, min(positions) - 20) if positions else 0
        text = ("…" if start else "") + text[start : start + length]
    html = escape(text)
    for word in sorted({escape(w) for w in words if w}, key=len, reverse=True):
        html = html.replace(word, f"<mark>{word}</mark>")
    # A shorter word inside a longer one was wrapped twice: unwrap the nested marks.
    return re.sub(r"<mark>(<mark>)+", "<mark>", re.sub(r"(</mark>)+</mark>", "</mark>", html))


def db_documents(*, query: str, user) -> list[dict]:
    """Every record the reader may see matching the query, as index documents."""
    words = segment_query(query[:MAX_QUERY]) if query else ""
    if query and not words:
        return []
    reader = _reader(user)
    backend = get_search_backend()
    documents = []
    for source in installed_sources():
        records = source.records()
        if words:
            ids = [r.pk for r in backend.search(words, source.model, operator="and")[:DATABASE_LIMIT]]
            records = records.filter(pk__in=ids)
        else:
            records = records.order_by("-pk")[:DATABASE_LIMIT]
            records = source.records().filter(pk__in=[r.pk for r in records])
        if source.shared:
            records = visible_to(user, records)
        if source.topics_field:
            records = records.prefetch_related(source.topics_field)
        for record in records:
            document = record_document(source, record)
            if document and _document_visible(document, reader=reader):
                documents.append(document)
    return documents


def _db_rank(query: str):
    def key(document):
        title = document["title"]
        exact = title == query or query in document.get("people", [])
        published = document.get("published_at")
        stamp = published.isoformat() if hasattr(published, "isoformat") else str(published or "")
        # Exact titles and names first, then titles holding the query, then the newest.
        return (not exact, query not in title, not stamp, _neg(stamp))

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
    words = segment_query(query).split() if query else []
    type_labels = _type_labels()
    start = (page - 1) * PAGE_SIZE
    for document in selected[start : start + PAGE_SIZE]:
        hit = _hit(document, {}, type_labels)
        hit["title_html"] = _highlight(document["title"], words)
        hit["snippet_html"] = _highlight(document.get("body") or "", words, length=120)
        results.hits.append(hit)
    for name in FACETS:
        counts: dict = {}
        for document in (d for d in documents if matches(d, skip=name)):
            if (value := document.get(name)) not in (None, ""):
                counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts.items(), key=(lambda i: -i[0]) if name == "year" else (lambda i: -i[1]))
        results.facets[name] = _facet_buckets(name, ordered[:30], filters.get(name, []))
    return results


def db_suggest(*, query: str, user, limit: int = 8) -> list[dict]:
    reader = _reader(user)
    suggestions = []
    for source in installed_sources():
        title_field = "name" if source.label == "research.Expert" else "title"
        records = source.records().filter(**{f"{title_field}__icontains": query})
        if source.shared:
            records = visible_to(user, records)
        for record in records.order_by("pk")[:limit]:
            document = record_document(source, record)
            if document and _document_visible(document, reader=reader):
                suggestions.append({"text": document["title"], "kind": "title", "url": document["url"]})
    suggestions.sort(key=lambda s: (not s["text"].startswith(query), len(s["text"])))
    suggestions = suggestions[:limit]
    topics = Topic.objects.filter(
        Q(kind=Topic.Kind.PERSON) | Q(kind=Topic.Kind.PLACE), name__startswith=query
    ).order_by("name")[:10]
    suggestions += [{"text": t.name, "kind": t.kind, "url": ""} for t in topics]
    return _unique(suggestions)


# --- entry points ----------------------------------------------------------------


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


def page_search(*, query: str, limit: int = 50):
    """Live public pages matching the query, on Wagtail's database backend.

    The indexed text holds jieba's words (see segmentation.py), so the query is
    cut the same way and every word must match.
    """
    words = segment_query(query)
    if not words:
        return Page.objects.none()
    return Page.objects.live().public().specific().search(words, operator="and")[:limit]

"""Search and suggestions on Elasticsearch, under the access rule (portal.access.Reader.es_filter)."""

import re

from portal.access import reader_for

from .documents import alias_name, connect
from .results import (
    FACETS,
    PAGE_SIZE,
    PAGES_SHOWN,
    SearchResults,
    document_hit,
    excerpt,
    facet_buckets,
    page_hit,
    query_words,
    unique,
)
from .sources import type_labels


def es_query_body(*, query: str, filters: dict, user, page: int, page_size: int = PAGE_SIZE) -> dict:
    """One request: hits, highlights and every facet's counts.

    Facet filters go in post_filter, and each facet counts under the other facets'
    filters only: values of one facet combine as OR (the reader sees the alternatives),
    facets combine as AND. The access rule is in the query itself, so it bounds everything.
    """
    access = reader_for(user).es_filter()
    clauses = [access] if access is not None else []
    facet_filters = {name: {"terms": {name: values}} for name, values in filters.items()}
    if query:
        words = query_words(query)
        text = {
            "bool": {
                "should": [
                    _all_words(["title", "body"], words),
                    {"term": {"people": query}},
                    {"term": {"places": query}},
                    {"term": {"organisation_name": query}},
                    _pages_query(words),
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
                    {
                        "nested": {
                            "path": "pages",
                            "ignore_unmapped": True,
                            "query": {"match_phrase": {"pages.text": {"query": query, "boost": 2}}},
                        }
                    },
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
        # The body comes back (a page of hits) so that an excerpt says "…" only where it is cut.
        "_source": {"excludes": ["pages"]},
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


def _all_words(fields: list[str], words: list[str]) -> dict:
    """Every word somewhere in the fields, each word's own characters adjacent, the words in any order.

    Matching the whole query's bigrams with AND would demand the bigrams that straddle two
    words (长征文化保护 → 化保), so records holding the words apart would be missed.
    """
    each = [
        # zero_terms_query: a stop word (of, the) drops out instead of failing the query;
        # the last clause still asks for at least one real term.
        {"multi_match": {"query": w, "type": "phrase", "fields": fields, "zero_terms_query": "all"}}
        for w in words
    ]
    return {"bool": {"must": [*each, {"multi_match": {"query": " ".join(words), "fields": fields}}]}}


def _pages_query(words: list[str]) -> dict:
    """Text inside a record's file: the pages holding every word, each with its highlighted excerpt."""
    return {
        "nested": {
            "path": "pages",
            "ignore_unmapped": True,  # an index made before pages existed simply has none
            "score_mode": "max",
            "query": _all_words(["pages.text"], words),
            "inner_hits": {
                "size": PAGES_SHOWN,
                # The page's text too, so that its excerpt says "…" only where it is cut.
                "_source": ["pages.number", "pages.url", "pages.text"],
                "highlight": {
                    "encoder": "html",
                    "pre_tags": ["<mark>"],
                    "post_tags": ["</mark>"],
                    "fields": {"pages.text": {"fragment_size": 80, "number_of_fragments": 1}},
                },
            },
        }
    }


def _es_pages(hit: dict) -> list[dict]:
    inner = ((hit.get("inner_hits") or {}).get("pages") or {}).get("hits", {}).get("hits", [])
    pages = []
    for page in inner:
        source = page.get("_source") or {}
        if source.get("number") is None:
            continue
        snippet = excerpt((page.get("highlight") or {}).get("pages.text") or [], source.get("text"))
        pages.append(page_hit(number=source["number"], url=source.get("url") or "", snippet_html=snippet))
    return sorted(pages, key=lambda p: p["number"])


def es_search(*, query: str, filters: dict, user, page: int = 1) -> SearchResults:
    body = es_query_body(query=query, filters=filters, user=user, page=page)
    response = connect().search(index=alias_name(), body=body)
    types = type_labels()
    results = SearchResults(query=query, backend="elasticsearch", page=page, filters=filters)
    results.total = response["hits"]["total"]["value"]
    results.hits = [
        document_hit(h["_source"], h.get("highlight", {}), types, _es_pages(h), h["_source"].get("body"))
        for h in response["hits"]["hits"]
    ]
    for name in FACETS:
        buckets = response["aggregations"][name]["values"]["buckets"]
        counts = [(b["key"], b["doc_count"]) for b in buckets]
        results.facets[name] = facet_buckets(name, counts, filters.get(name, []))
    return results


def _regex_prefix(text: str) -> str:
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~])', r"\\\1", text) + ".*"


def es_suggest(*, query: str, user, limit: int = 8) -> list[dict]:
    access = reader_for(user).es_filter()
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
    return unique(suggestions)[: limit + 10]

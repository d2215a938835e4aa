import logging

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from portal.content_language import reader_reads_chinese
from portal.selectors import organisation_names

from .results import FACET_LABELS, FACETS, clean_filters
from .selectors import content_search, content_suggest

logger = logging.getLogger(__name__)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def suggest_url() -> str:
    # /search/suggest/ once portal/urls.py includes search.urls; the search URL answers it meanwhile.
    try:
        return reverse("search_suggest")
    except NoReverseMatch:
        return reverse("search") + "?format=suggest"


def _localise_urls(items: list[dict]) -> None:
    """Indexed URLs are the Chinese ones; every indexed page lives under i18n_patterns."""
    language = translation.get_language()
    if not language or language == settings.LANGUAGE_CODE:
        return
    for item in items:
        if item.get("url", "").startswith("/"):
            item["url"] = f"/{language}{item['url']}"
        _localise_urls(item.get("pages") or [])


def _localise_organisations(items: list[dict]) -> None:
    """Indexed unit names are the Chinese ones: English readers meet a unit's English name where it
    has one (portal.content_language)."""
    if reader_reads_chinese():
        return
    names = organisation_names(codes={item["organisation"] for item in items if item.get("organisation")})
    for item in items:
        if item.get("organisation") in names:
            item["organisation_name"] = names[item["organisation"]]


def suggest(request):
    query = request.GET.get("q", "")
    suggestions = content_suggest(query=query, user=request.user)
    _localise_urls(suggestions)
    return JsonResponse(
        {"query": query.strip(), "suggestions": suggestions}, json_dumps_params={"ensure_ascii": False}
    )


def search(request):
    if request.GET.get("format") == "suggest":
        return suggest(request)
    query = request.GET.get("q", "").strip()[:200]
    filters = clean_filters(request.GET)
    results = content_search(
        query=query, filters=filters, user=request.user, page=_page_number(request.GET.get("page"))
    )
    _localise_urls(results.hits)
    _localise_organisations(results.hits)
    if request.GET.get("format") == "json":
        return JsonResponse(results.as_json(), json_dumps_params={"ensure_ascii": False})
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    facets = [
        {"name": name, "label": FACET_LABELS[name], "buckets": results.facets.get(name, [])}
        for name in FACETS
        if results.facets.get(name)
    ]
    for facet in facets:
        for bucket in facet["buckets"]:
            toggled = params.copy()
            values = toggled.getlist(facet["name"])
            if bucket["selected"]:
                values = [v for v in values if v != bucket["value"]]
            else:
                values = [*values, bucket["value"]]
            toggled.setlist(facet["name"], values)
            bucket["toggle_query"] = toggled.urlencode()
    prefix = f"{params.urlencode()}&" if params else ""
    results.previous_query = f"{prefix}page={results.page - 1}"
    results.next_query = f"{prefix}page={results.page + 1}"
    cleared = params.copy()
    for name in FACETS:
        cleared.pop(name, None)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": results,
            "facets": facets,
            "active_filters": sum(len(values) for values in results.filters.values()),
            "clear_filters_query": cleared.urlencode(),
            "suggest_url": suggest_url(),
        },
    )

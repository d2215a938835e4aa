"""What the search page shows, whichever backend answered: results, facets, hits and highlights."""

import math
import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from portal.models import HistoricalPeriod, Region
from portal.segmentation import segment_query
from portal.selectors import organisation_names

from .sources import module_labels, type_labels

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
# Pages of a record's file shown under one hit.
PAGES_SHOWN = 3


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
    # The links of the shared pagination include (portal/includes/pagination.html); the view sets them.
    previous_query: str = ""
    next_query: str = ""

    @property
    def number(self) -> int:
        return self.page

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

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


def _labels(name: str, values) -> dict:
    if name == "region":
        return dict(Region.choices)
    if name == "module":
        return module_labels()
    if name == "type":
        return type_labels()
    if name == "period":
        return dict(HistoricalPeriod.choices)
    if name == "organisation":
        return organisation_names(codes=values)
    return {}


def facet_buckets(name: str, counts: list[tuple], selected: list[str]) -> list[dict]:
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


def page_hit(*, number: int, url: str, snippet_html: str) -> dict:
    return {
        "number": number,
        "label": str(_("第%(number)s页") % {"number": number}),
        "url": url,
        "snippet_html": snippet_html,
    }


def document_hit(
    source: dict, marks: dict, types: dict, pages: list[dict] | None = None, text: str | None = None
) -> dict:
    return {
        "title": source["title"],
        "title_html": (marks.get("title") or [escape(source["title"])])[0],
        "snippet_html": excerpt(marks.get("body") or [], text),
        "url": source.get("url") or "",
        "module": source["module"],
        "module_label": str(module_labels().get(source["module"], source["module"])),
        "type": source.get("type"),
        "type_label": str(types.get(source.get("type"), source.get("type") or "")),
        "region": source["region"],
        "region_label": str(Region(source["region"]).label) if source["region"] in Region.values else "",
        "organisation": source.get("organisation"),
        "organisation_name": source.get("organisation_name"),
        "period": source.get("period"),
        "year": source.get("year"),
        "access_level": source["access_level"],
        "people": source.get("people") or [],
        "places": source.get("places") or [],
        "pages": pages or [],
    }


_HAN = re.compile(r"[\u3400-\u9fff]")


def query_words(query: str) -> list[str]:
    """The words a record must hold: the query cut by jieba, on either backend.

    A lone Chinese character (的, 在) is no term of Elasticsearch's bigram index, so it is not
    required (only the phrase ranking sees it) unless the query has nothing else.
    """
    words = segment_query(query).split()
    kept = [w for w in words if len(w) > 1 or not _HAN.match(w)]
    return kept or words


# Where an excerpt may begin: after the end of a sentence or clause shortly before the first match.
_CLAUSE_END = re.compile(r"[。！？；，、：\n.!?;,:]")


def highlight(text: str, words: list[str], *, length: int | None = None) -> str:
    """The text with the words marked; with a length, an excerpt around the first match.

    An excerpt that does not reach the start or the end of the text says so with "…".
    """
    text = str(text or "")
    cut_start = cut_end = False
    if length is not None:
        positions = [text.find(w) for w in words if w and text.find(w) >= 0]
        start = 0
        if positions:
            first = min(positions)
            start = max(0, first - 20)
            clauses = [m.end() for m in _CLAUSE_END.finditer(text, start, first)]
            start = clauses[-1] if clauses else start
        cut_start, cut_end = start > 0, start + length < len(text.rstrip())
        text = text[start : start + length].strip()
    html = escape(text)
    for word in sorted({escape(w) for w in words if w}, key=len, reverse=True):
        html = html.replace(word, f"<mark>{word}</mark>")
    # A shorter word inside a longer one was wrapped twice: unwrap the nested marks.
    html = re.sub(r"<mark>(<mark>)+", "<mark>", re.sub(r"(</mark>)+</mark>", "</mark>", html))
    return ("…" if cut_start else "") + html + ("…" if cut_end else "")


def _plain(fragment_html: str) -> str:
    """A highlighted fragment's text, without marks or whitespace, to compare with the text's edges."""
    return "".join(unescape(re.sub(r"</?mark>", "", fragment_html)).split())


def excerpt(fragments: list[str], text: str | None) -> str:
    """Highlighted fragments of a text as one excerpt, with "…" where the text goes on."""
    if not fragments:
        return ""
    whole = "".join(str(text or "").split())
    first, last = _plain(fragments[0]), _plain(fragments[-1])
    starts = bool(whole) and whole.startswith(first)
    ends = bool(whole) and whole.endswith(last)
    return ("" if starts else "…") + " … ".join(fragments) + ("" if ends else "…")


def unique(suggestions: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for item in suggestions:
        key = (item["kind"], item["text"])
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept

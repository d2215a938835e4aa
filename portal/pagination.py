"""Keyset pagination of the public lists (issue 18): the one rule, written once.

A list's model declares its order as ``LISTING_ORDER`` (e.g. ``("-deposited_at", "-pk")``), the last
term unique, with an index of the same columns and directions. A page is the ``page_size`` rows after
(or before) a cursor: the signed sort values of the row a link starts from. The database starts
reading at that place in the index, so the 400th page costs what the first does; no OFFSET, and one
row more than the page tells whether there is a next one. Nullable columns sort as PostgreSQL's
indexes keep them (NULLs first when descending, last when ascending) on every database.

Old ``?page=N`` links still work: that one page is read by offset, and its links carry cursors again.
A cursor that does not verify (malformed, tampered, from another list) gives the first page.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import F, Q, QuerySet

from .page_cache import reader_kind_cached


@dataclass(frozen=True)
class _Term:
    name: str  # as the model declares it ("pk" included)
    descending: bool
    nullable: bool
    field: object  # the model field, for its attname and to_python

    def order(self, *, reverse: bool):
        descending = self.descending != reverse
        expression = F(self.name)
        if not self.nullable:
            return expression.desc() if descending else expression.asc()
        # PostgreSQL's index order, spelled out so that every database pages the same way.
        return expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)

    def beyond(self, value, *, reverse: bool) -> tuple[Q, Q]:
        """(rows strictly beyond ``value`` in the reading direction, rows equal to it)."""
        descending = self.descending != reverse
        nulls_first = descending  # see order()
        if value is None:
            return (Q(**{f"{self.name}__isnull": False}) if nulls_first else Q(pk__in=[])), Q(
                **{f"{self.name}__isnull": True}
            )
        strictly = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if self.nullable and not nulls_first:
            strictly |= Q(**{f"{self.name}__isnull": True})
        return strictly, Q(**{self.name: value})

    def bound(self, value, *, reverse: bool) -> Q | None:
        """A condition the index can start from (the comparison in ``beyond`` is for the rows it reads)."""
        descending = self.descending != reverse
        if value is None or (self.nullable and not descending):
            return None
        return Q(**{f"{self.name}__{'lte' if descending else 'gte'}": value})


def listing_terms(model) -> tuple[_Term, ...]:
    terms = []
    for term in model.LISTING_ORDER:
        name = term.lstrip("-")
        model_field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        terms.append(_Term(name, term.startswith("-"), bool(model_field.null), model_field))
    return tuple(terms)


def _position(terms, row) -> list:
    values = []
    for term in terms:
        value = row.pk if term.name == "pk" else getattr(row, term.field.attname)
        if value is not None and not isinstance(value, int | str):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        values.append(value)
    return values


def _after(terms, values, *, reverse: bool) -> Q:
    """Rows that come after the position ``values`` (before it, with ``reverse``)."""
    condition, equal = Q(pk__in=[]), Q()
    for term, value in zip(terms, values, strict=True):
        strictly, same = term.beyond(value, reverse=reverse)
        condition |= equal & strictly
        equal &= same
    bound = terms[0].bound(values[0], reverse=reverse)
    return condition if bound is None else bound & condition


@dataclass
class KeysetPage:
    """What the pagination include reads: the rows, and links that keep the reader's filters."""

    object_list: list
    number: int
    has_next: bool
    has_previous: bool
    next_query: str = ""
    previous_query: str = ""
    count: int = 0
    num_pages: int = 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _salt(model) -> str:
    return f"portal.pagination:{model._meta.label}:{','.join(model.LISTING_ORDER)}"


def cursor_make(model, row, *, number: int) -> str:
    return signing.dumps([number, _position(listing_terms(model), row)], salt=_salt(model), compress=True)


def cursor_read(model, cursor: str) -> tuple[int, list] | None:
    """(page number, position) of a cursor made for this list, or None when it does not verify."""
    try:
        number, raw = signing.loads(cursor, salt=_salt(model))
        terms = listing_terms(model)
        if not isinstance(number, int) or number < 1 or len(raw) != len(terms):
            return None
        return number, [None if v is None else t.field.to_python(v) for t, v in zip(terms, raw, strict=True)]
    except (signing.BadSignature, ValidationError, TypeError, ValueError):
        return None


def _offset_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def list_count(queryset: QuerySet, *, user) -> int:
    """The list's length, counted once per content generation, kind of reader and filters.

    The key names the query itself: its access condition (the reader's kind) and its filters, the
    matches of a keyword search included, so two lists never share a count they should not.
    """
    try:
        sql = str(queryset.order_by().query)
    except EmptyResultSet:  # a filter no record could match
        return 0
    digest = hashlib.sha256(sql.encode()).hexdigest()[:32]
    key = f"{queryset.model._meta.label}:{digest}"
    return reader_kind_cached(
        "list-count", key, queryset.count, user=user, timeout=settings.PORTAL_FILTER_CACHE_SECONDS
    )


def keyset_page(request, queryset: QuerySet, *, page_size: int, query: str = "") -> KeysetPage:
    """The page of ``queryset`` the request asks for (``after=``, ``before=`` or an old ``page=``).

    ``query`` is the url-encoded filters in use (they produced ``queryset``), kept in the links. The
    page carries the list's length, counted once per content generation (``list_count``).
    """
    model = queryset.model
    terms = listing_terms(model)
    params = request.GET
    count = list_count(queryset, user=request.user)
    num_pages = max(1, -(-count // page_size))
    reverse, number, offset = False, 1, 0
    position = None
    if params.get("after") or params.get("before"):
        position = cursor_read(model, params.get("after") or params.get("before"))
    if position is not None:
        number, values = position
        reverse = not params.get("after")
        queryset = queryset.filter(_after(terms, values, reverse=reverse))
    elif "page" in params and not (params.get("after") or params.get("before")):
        number = min(_offset_number(params.get("page")), num_pages)
        offset = (number - 1) * page_size
    ordered = queryset.order_by(*(term.order(reverse=reverse) for term in terms))
    rows = list(ordered[offset : offset + page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if reverse:
        rows.reverse()
        has_previous, has_next = more, True
        if not more:
            number = 1  # rows were added or removed meanwhile: this is the start of the list
    else:
        has_previous, has_next = position is not None or number > 1, more
    number = min(number, num_pages)  # a cursor's number, after records were withdrawn
    page = KeysetPage(rows, number, has_next and bool(rows), has_previous, count=count, num_pages=num_pages)
    prefix = f"{query}&" if query else ""
    if page.has_next:
        page.next_query = prefix + urlencode({"after": cursor_make(model, rows[-1], number=number + 1)})
    if has_previous:
        # With no row to start from (the rest was withdrawn meanwhile), back to the first page.
        page.previous_query = (
            prefix + urlencode({"before": cursor_make(model, rows[0], number=number - 1)}) if rows else query
        )
    return page

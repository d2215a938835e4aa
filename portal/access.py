"""Who may see a shared record (DESIGN.md §3): the one rule every path applies.

- public: anyone, on both regions' sites;
- partners: signed-in staff of either region (whoever holds a staff profile here) and superusers;
- internal: members of the owning organisation only — whoever holds its staff profile, with or
  without a role group — and superusers.

The rule is written once, as the grants of a Reader; querysets (access_q, visible_to,
pages_visible_to), single records and pages (can_view, page_readable) and the search index's
filter (Reader.es_filter) are each derived from those grants.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q, QuerySet

from .models import AccessLevel
from .records.models import SharedRecord
from .selectors import staff_organisation


@dataclass(frozen=True)
class Grant:
    """Records of these levels, owned by this organisation (or by anyone when owner_id is None)."""

    levels: tuple[str, ...]
    owner_id: int | None = None


@dataclass(frozen=True)
class Reader:
    """What a reader is, as far as the rule cares: everything, a member of one organisation, or the public."""

    sees_all: bool = False
    organisation_id: int | None = None

    @property
    def grants(self) -> tuple[Grant, ...]:
        """The rule itself (moot when sees_all): what this reader may see, as alternatives."""
        if self.organisation_id is None:
            return (Grant((AccessLevel.PUBLIC,)),)
        return (
            Grant((AccessLevel.PUBLIC, AccessLevel.PARTNERS)),
            Grant((AccessLevel.INTERNAL,), owner_id=self.organisation_id),
        )

    @property
    def scope(self) -> str:
        """A name shared by exactly the readers the rule treats alike, for caches of what they may see."""
        if self.sees_all:
            return "all"
        return "public" if self.organisation_id is None else f"org-{self.organisation_id}"

    def allows(self, *, level: str, owner_id) -> bool:
        return self.sees_all or any(
            level in g.levels and (g.owner_id is None or g.owner_id == owner_id) for g in self.grants
        )

    def q(self, *, organisation_field: str = "origin_organisation") -> Q:
        if self.sees_all:
            return Q()
        owner = f"{organisation_field}_id"
        return reduce(
            operator.or_,
            (
                Q(access_level__in=list(g.levels), **({} if g.owner_id is None else {owner: g.owner_id}))
                for g in self.grants
            ),
        )

    def es_filter(self) -> dict | None:
        """The same rule over search documents, which carry access_level and owner_organisation_id."""
        if self.sees_all:
            return None
        alternatives = [
            {"terms": {"access_level": list(g.levels)}}
            if g.owner_id is None
            else {
                "bool": {
                    "filter": [
                        {"terms": {"access_level": list(g.levels)}},
                        {"term": {"owner_organisation_id": g.owner_id}},
                    ]
                }
            }
            for g in self.grants
        ]
        if len(alternatives) == 1:
            return alternatives[0]
        return {"bool": {"should": alternatives, "minimum_should_match": 1}}


READER_ATTRIBUTE = "_portal_reader"


def reader_for(user) -> Reader:
    """The reader ``user`` is. Kept on the user object: a request's user is read once per request,
    however many lists and panels a page shows (an object kept across a change of the staff
    profile is stale; the request after it reads the profile again)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reader()
    if user.is_superuser:
        return Reader(sees_all=True)
    reader = getattr(user, READER_ATTRIBUTE, None)
    if reader is None:
        organisation = staff_organisation(user=user)
        reader = Reader(organisation_id=organisation.pk if organisation else None)
        setattr(user, READER_ATTRIBUTE, reader)
    return reader


def access_q(user, *, organisation_field: str = "origin_organisation") -> Q:
    """A filter for querysets of SharedRecord models: what this reader may see."""
    return reader_for(user).q(organisation_field=organisation_field)


def visible_to(user, queryset: QuerySet, *, organisation_field: str = "origin_organisation"):
    return queryset.filter(access_q(user, organisation_field=organisation_field))


def readable_by_global_id(user, model, global_id) -> bool:
    """Whether a reference by global id (a material of a meeting, …) names a record this reader may see."""
    return visible_to(user, model._default_manager.filter(global_id=global_id)).exists()


def can_view(user, record, *, organisation_field: str = "origin_organisation") -> bool:
    return reader_for(user).allows(
        level=record.access_level, owner_id=getattr(record, f"{organisation_field}_id")
    )


def shared_page_models() -> list[type]:
    """Page types that carry an access level (stories, red-heritage sites, …)."""
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if issubclass(model, SharedRecord)]


def pages_visible_to(user, queryset: QuerySet) -> QuerySet:
    """A queryset of any page type, without the shared pages this reader may not see."""
    if reader_for(user).sees_all:
        return queryset
    condition = access_q(user)
    for model in shared_page_models():
        queryset = queryset.exclude(pk__in=model.objects.exclude(condition).values("pk"))
    return queryset


def page_readable(user, page) -> bool:
    specific = page if isinstance(page, SharedRecord) else page.specific_deferred
    return not isinstance(specific, SharedRecord) or can_view(user, specific)


def page_restriction_kind(level: str) -> str | None:
    """The Wagtail view restriction a shared page of this level carries.

    It only marks the page as not public (so Wagtail's own listings such as menus leave it
    out); who may read it is decided by can_view, in the before_serve_page hook.
    """
    from wagtail.models import PageViewRestriction

    return None if Reader().allows(level=level, owner_id=None) else PageViewRestriction.LOGIN

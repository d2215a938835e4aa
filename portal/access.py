"""Who may see a shared record (DESIGN.md §3): the one rule every path applies.

- public: anyone, on both regions' sites;
- partners: signed-in staff of either region (whoever holds a staff profile here) and superusers;
- internal: members of the owning organisation only — whoever holds its staff profile, with or
  without a role group — and superusers.

Querysets (access_q, visible_to, pages_visible_to), single records (can_view), page view
restrictions (page_restriction_kind) and the search index (search.selectors) all derive from Reader.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import AccessLevel
from .records.models import SharedRecord
from .selectors import staff_organisation


@dataclass(frozen=True)
class Reader:
    """What a reader is, as far as the rule cares: everything, a member of one organisation, or the public."""

    sees_all: bool = False
    organisation_id: int | None = None

    @property
    def levels_everywhere(self) -> list[str]:
        """The levels this reader sees whoever owns the record."""
        if self.sees_all or self.organisation_id is not None:
            return [AccessLevel.PUBLIC, AccessLevel.PARTNERS]
        return [AccessLevel.PUBLIC]

    def allows(self, *, level: str, owner_id) -> bool:
        if self.sees_all or level in self.levels_everywhere:
            return True
        return level == AccessLevel.INTERNAL and owner_id is not None and owner_id == self.organisation_id


def reader_for(user) -> Reader:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reader()
    if user.is_superuser:
        return Reader(sees_all=True)
    organisation = staff_organisation(user=user)
    return Reader(organisation_id=organisation.pk if organisation else None)


def reader_organisation(user):
    return staff_organisation(user=user)


def access_q(user, *, organisation_field: str = "origin_organisation") -> Q:
    """A filter for querysets of SharedRecord models: what this reader may see."""
    reader = reader_for(user)
    if reader.sees_all:
        return Q()
    allowed = Q(access_level__in=reader.levels_everywhere)
    if reader.organisation_id is not None:
        owner = {f"{organisation_field}_id": reader.organisation_id}
        allowed |= Q(access_level=AccessLevel.INTERNAL, **owner)
    return allowed


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

    return None if level == AccessLevel.PUBLIC else PageViewRestriction.LOGIN

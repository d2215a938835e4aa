"""Who may see a shared record (DESIGN.md §3), in one place for every module.

- public: anyone, on both regions' sites;
- partners: signed-in staff of either region;
- internal: staff of the owning organisation only.
"""

from django.db.models import Q, QuerySet

from .models import AccessLevel
from .selectors import staff_organisation


def reader_organisation(user):
    return staff_organisation(user=user)


def access_q(user, *, organisation_field: str = "origin_organisation") -> Q:
    """A filter for querysets of SharedRecord models: what this reader may see."""
    if user is not None and getattr(user, "is_superuser", False):
        return Q()
    organisation = reader_organisation(user) if user is not None else None
    if organisation is None:
        return Q(access_level=AccessLevel.PUBLIC)
    return Q(access_level__in=[AccessLevel.PUBLIC, AccessLevel.PARTNERS]) | Q(
        access_level=AccessLevel.INTERNAL, **{organisation_field: organisation}
    )


def visible_to(user, queryset: QuerySet, *, organisation_field: str = "origin_organisation"):
    return queryset.filter(access_q(user, organisation_field=organisation_field))


def can_view(user, record, *, organisation_field: str = "origin_organisation") -> bool:
    level = record.access_level
    if level == AccessLevel.PUBLIC:
        return True
    if user is not None and getattr(user, "is_superuser", False):
        return True
    organisation = reader_organisation(user) if user is not None else None
    if organisation is None:
        return False
    if level == AccessLevel.PARTNERS:
        return True
    return getattr(record, f"{organisation_field}_id") == organisation.pk

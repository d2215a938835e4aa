"""Admin views of records owned by an organisation: staff see and change their own organisation's only.

Partners' records (and other organisations' internal ones) are read on the site; a
partner's copy is changed only at its origin.
"""

from django.core.exceptions import PermissionDenied

from wagtail.snippets.views.snippets import SnippetViewSet

from .selectors import staff_organisation

# The views that open one record by its id; each refuses a record of another organisation.
OBJECT_VIEWS = ("edit", "delete", "copy", "history", "usage", "inspect")


def organisation_scope(*, user, queryset, field: str = "origin_organisation"):
    if user.is_superuser:
        return queryset
    organisation = staff_organisation(user=user)
    return queryset.filter(**{field: organisation}) if organisation else queryset.none()


class _OwnRecordOnly:
    organisation_field = "origin_organisation"

    def get_object(self, *args, **kwargs):
        record = super().get_object(*args, **kwargs)
        own = organisation_scope(
            user=self.request.user,
            queryset=type(record)._default_manager.filter(pk=record.pk),
            field=self.organisation_field,
        )
        if not own.exists():
            raise PermissionDenied
        return record


class OrganisationSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose listing and single-record views are scoped to the user's organisation."""

    organisation_field = "origin_organisation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OBJECT_VIEWS:
            view_class = getattr(self, f"{name}_view_class")
            guarded = type(
                view_class.__name__,
                (_OwnRecordOnly, view_class),
                {"organisation_field": self.organisation_field},
            )
            setattr(self, f"{name}_view_class", guarded)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return organisation_scope(user=request.user, queryset=queryset, field=self.organisation_field)

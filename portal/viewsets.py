"""Admin views of records owned by an organisation: staff see and change their own organisation's only.

Partners' records (and other organisations' internal ones) are read on the site; a
partner's copy is changed only at its origin. Forms offer, and accept, only what the user's
organisation may touch: a foreign key posted by hand outside those choices is refused by the
form's own validation.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from .access import visible_to
from .forms import SharedReferencesForm
from .models import Organisation
from .names import staff_choice_label
from .records.models import SharedRecord
from .selectors import staff_accounts, staff_organisation

# The views that open one record by its id; each refuses a record of another organisation.
OBJECT_VIEWS = ("edit", "delete", "copy", "history", "usage", "inspect")


def organisation_scope(*, user, queryset, field: str = "origin_organisation"):
    if user.is_superuser:
        return queryset
    organisation = staff_organisation(user=user)
    return queryset.filter(**{field: organisation}) if organisation else queryset.none()


def owning_organisations(*, user):
    """The organisations a user may name as a record's owner: their own (superusers: this region's)."""
    organisations = Organisation.objects.filter(region=settings.PORTAL_REGION)
    if user is not None and user.is_superuser:
        return organisations
    organisation = staff_organisation(user=user) if user is not None else None
    return organisations.filter(pk=getattr(organisation, "pk", None))


def choices_for(*, user, queryset):
    """What a choice of records of this model may offer: the readable ones for shared records."""
    if issubclass(queryset.model, SharedRecord):
        return visible_to(user, queryset)
    return queryset


class OrganisationScopedFormMetaclass(type(WagtailAdminModelForm)):
    """Child forms (InlinePanel) of a scoped form are scoped too, and are told who the user is."""

    @classmethod
    def child_form(cls):
        return OrganisationScopedForm

    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        for formset in getattr(new_class, "formsets", {}).values():
            # A panel may hand its own child form class (deferred required fields): scope it as well.
            formset.form = scoped_form_class(formset.form, parent_field=None)
            inherited = list(formset.inherit_kwargs or [])
            formset.inherit_kwargs = inherited if "for_user" in inherited else [*inherited, "for_user"]
        return new_class


class OrganisationScopedForm(
    SharedReferencesForm, WagtailAdminModelForm, metaclass=OrganisationScopedFormMetaclass
):
    """Narrows every relation of an organisation's record to what the user's organisation may touch.

    The viewset names the parent relation (`project` of a milestone, `course` of a session):
    only the user's own organisation's parents are offered there. Inline child forms go through
    the same narrowing (see the metaclass).
    """

    parent_field: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if name == "origin_organisation":
                field.queryset = owning_organisations(user=user)
                if field.queryset.count() == 1:
                    field.initial = field.queryset.first()
                    field.empty_label = None
            elif name == self.parent_field:
                field.queryset = organisation_scope(user=user, queryset=queryset) if user else queryset.none()
            elif queryset.model is get_user_model():
                field.queryset = staff_accounts().select_related("staff_profile__organisation")
                field.label_from_instance = staff_choice_label
            elif user is not None:
                field.queryset = choices_for(user=user, queryset=queryset)


def scoped_form_class(base, *, parent_field: str | None):
    if issubclass(base, OrganisationScopedForm) and base.parent_field == parent_field:
        return base
    return type(f"Scoped{base.__name__}", (OrganisationScopedForm, base), {"parent_field": parent_field})


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


class _ChoosableOnly:
    """Choosers list, and accept, only records the user may read (own organisation's for others)."""

    organisation_field = "origin_organisation"

    def choosable(self, queryset):
        user = self.request.user
        if issubclass(queryset.model, SharedRecord):
            return visible_to(user, queryset)
        return organisation_scope(user=user, queryset=queryset, field=self.organisation_field)


class ScopedChooseView(_ChoosableOnly, ChooseView):
    def get_object_list(self):
        return self.choosable(super().get_object_list())


class ScopedChooseResultsView(_ChoosableOnly, ChooseResultsView):
    def get_object_list(self):
        return self.choosable(super().get_object_list())


class ScopedChosenView(_ChoosableOnly, SnippetChosenView):
    def get_object(self, pk):
        record = self.choosable(self.model_class._default_manager.filter(pk=pk)).first()
        if record is None:
            raise Http404
        return record


class ScopedChosenMultipleView(_ChoosableOnly, SnippetChosenMultipleView):
    def get_objects(self, pks):
        return self.choosable(self.model_class._default_manager.filter(pk__in=pks))


class ScopedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class OrganisationSnippetViewSet(SnippetViewSet):
    """A snippet viewset scoped to the user's organisation: listing, single-record views, forms, chooser."""

    organisation_field = "origin_organisation"
    chooser_viewset_class = ScopedChooserViewSet
    # Listing search (?q=) runs on the database with the viewset's search_fields: the admin
    # searches titles, whatever the search backend indexes.
    search_backend_name = None

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

    @property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        for name in ("choose", "choose_results", "chosen", "chosen_multiple"):
            view_class = getattr(viewset, f"{name}_view_class")
            setattr(
                viewset,
                f"{name}_view_class",
                type(view_class.__name__, (view_class,), {"organisation_field": self.organisation_field}),
            )
        return viewset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return organisation_scope(user=request.user, queryset=queryset, field=self.organisation_field)

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        base = edit_handler.base_form_class or getattr(self.model, "base_form_class", WagtailAdminModelForm)
        parent = self.organisation_field.split("__")[0]
        field = next((f for f in self.model._meta.fields if f.name == parent), None)
        is_parent = isinstance(field, models.ForeignKey) and parent != "origin_organisation"
        edit_handler.base_form_class = scoped_form_class(base, parent_field=parent if is_parent else None)
        return edit_handler

"""The filters every list of shared records offers, written once (django-filter).

A list names where region, organisation and topic live on its model; values pass through
as given (an unknown code finds nothing), and the page's form offers the known ones.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.content_language import content_lang, organisation_name
from portal.models import Organisation, Region
from portal.page_cache import reader_kind_cached


def joins_many(model, lookup: str) -> bool:
    """Whether filtering on ``lookup`` crosses a to-many relation (and can repeat rows)."""
    for name in lookup.split("__"):
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a transform or lookup, not a field: the path ends here
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def semi_join(queryset: QuerySet, condition: Q) -> QuerySet:
    """Rows of ``queryset`` for which ``condition`` holds across a to-many relation, each row once.

    The join runs inside EXISTS, so the list itself never repeats a row and needs no DISTINCT
    (which would sort every column, and which the paginator's COUNT would wrap again).
    """
    model = queryset.model
    return queryset.filter(Exists(model._base_manager.filter(condition, pk=OuterRef("pk"))))


class ContentSelect(forms.Select):
    """A menu whose options may be content (units, topics, sections): a Chinese one is marked
    lang="zh-Hans" for English readers (portal.content_language)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if lang := content_lang(label):
            option["attrs"] = {**option["attrs"], "lang": lang}
        return option


class RecordFilters(django_filters.FilterSet):
    """Region, organisation and topic, for any shared record; a list adds its own fields.

    A list's filters name its model in ``Meta`` (``fields = []``: every filter is declared).
    """

    region = django_filters.CharFilter(label=_("地区"), method="filter_region")
    organisation = django_filters.CharFilter(label=_("单位"), method="filter_organisation")
    topic = django_filters.CharFilter(label=_("主题词"), method="filter_topic")

    # Where each lives on the list's model; several lookups are alternatives (host or co-host).
    region_lookups: tuple[str, ...] = ("origin_region",)
    organisation_lookups: tuple[str, ...] = ("origin_organisation__code",)
    topic_lookups: tuple[str, ...] = ("topics__slug",)

    # What the page's filter bar (portal/includes/filter_bar.html) reads besides the fields:
    # the free-text field shown first (None: the list has none), the name assistive technology
    # gives the bar (“筛选资料”), and a hint inside a text box by field name.
    keyword: str | None = None
    bar_label = _("筛选")
    placeholders: dict[str, str] = {}

    # Values the menus do not offer are ignored rather than emptying the list (the calendar's way).
    known_values_only = False
    # The first entry of each menu, when “all” (全部) is not the right word.
    everything: dict[str, str] = {}

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user

    # -- the three shared filters ---------------------------------------------------------

    def match(self, queryset: QuerySet, lookups: tuple[str, ...], value, **also) -> QuerySet:
        """Rows where any of ``lookups`` equals ``value`` (and ``also`` holds, on the same join)."""
        condition = Q()
        for lookup in lookups:
            extra = {f"{lookup.rsplit('__', 1)[0]}__{key}": v for key, v in also.items()}
            condition |= Q(**{lookup: value}, **extra)
        if any(joins_many(queryset.model, lookup) for lookup in lookups):
            return semi_join(queryset, condition)
        return queryset.filter(condition)

    def filter_region(self, queryset, name, value):
        return self.match(queryset, self.region_lookups, value)

    def filter_organisation(self, queryset, name, value):
        return self.match(queryset, self.organisation_lookups, value)

    def filter_topic(self, queryset, name, value):
        return self.match(queryset, self.topic_lookups, value)

    # -- applying -------------------------------------------------------------------------

    def apply(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` narrowed by the given values, each row once (no DISTINCT: see ``semi_join``)."""
        if self.is_bound and not self.is_valid():
            # A value no record could hold (too long, say) matches nothing; it never widens the list.
            return queryset.none()
        if not self.values():
            return queryset
        return self.filter_queryset(queryset)

    def filter_queryset(self, queryset):
        for name, value in self.values().items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def values(self) -> dict:
        """The filters in use, by name (for links that keep them, and for templates)."""
        if not hasattr(self, "_values"):
            self._values = self._values_given()
        return self._values

    def _values_given(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        values = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if self.known_values_only:
            options = self.menu_options()
            values = {
                name: value
                for name, value in values.items()
                if name not in options or value in {known for known, _label in options[name]}
            }
        return values

    def query_string(self) -> str:
        return urlencode(self.values())

    def applied_key(self) -> str:
        """Everything ``apply`` depends on, for a cache of its results (an invalid value matches nothing)."""
        if self.is_bound and not self.is_valid():
            return "none"
        return hashlib.sha256(self.query_string().encode()).hexdigest()[:32] if self.values() else "all"

    # -- the page's form ------------------------------------------------------------------

    def options(self) -> dict[str, list[tuple[str, str]]]:
        """The values each menu offers; a list adds or narrows its own."""
        return {
            "region": list(Region.choices),
            "organisation": [
                (o.code, organisation_name(o))
                for o in Organisation.objects.order_by("region", "level", "name")
            ],
        }

    def menu_options(self) -> dict[str, list[tuple[str, str]]]:
        """``options()``, cached per kind of reader and language until content changes.

        The menus are the same for every reader the access rule treats alike, and building them
        joins every visible record; publishing, withdrawing or re-levelling a record moves the
        content generation on (portal.page_cache), so a changed menu is built afresh.
        """
        key = f"{type(self).__module__}.{type(self).__qualname__}:{get_language()}"
        return reader_kind_cached(
            "record-filters",
            key,
            self._options_as_text,
            user=self.user,
            timeout=settings.PORTAL_FILTER_CACHE_SECONDS,
        )

    def _options_as_text(self) -> dict[str, list[tuple[str, str]]]:
        # Labels in the active language (the key names it), so the entry holds no lazy strings.
        return {
            name: [(str(value), str(label)) for value, label in choices]
            for name, choices in self.options().items()
        }

    # The order the page's form shows the fields in (all of them when empty).
    field_order: tuple[str, ...] = ()

    def page_form(self) -> forms.Form:
        """The form a list page shows: menus of known values, each starting with “all”."""
        form = self.form
        if self.field_order:
            form.order_fields(self.field_order)
        for name, choices in self.menu_options().items():
            if name in form.fields:
                everything = self.everything.get(name, _("全部"))
                form.fields[name].widget = ContentSelect(choices=[("", everything), *choices])
        for name, placeholder in self.placeholders.items():
            if name in form.fields:
                form.fields[name].widget.attrs["placeholder"] = placeholder
        if self.keyword in form.fields:
            form.fields[self.keyword].widget.input_type = "search"
        return form

    def bar(self) -> "FilterBar":
        """What the page's filter bar shows: the keyword box, the other fields, the filters in use."""
        form = self.page_form()
        menus = self.menu_options()
        values = self.values()
        fields = [field for field in form.visible_fields() if field.name != self.keyword]
        active = []
        for field in form.visible_fields():
            if field.name not in values:
                continue
            value = str(values[field.name])
            shown = dict(menus.get(field.name, ())).get(value, value)
            others = {name: v for name, v in values.items() if name != field.name}
            remove = "?" + urlencode(others)
            active.append(ActiveFilter(name=field.name, label=field.label, value=shown, remove_url=remove))
        return FilterBar(
            label=self.bar_label,
            keyword=form[self.keyword] if self.keyword in form.fields else None,
            fields=fields,
            hidden=form.hidden_fields(),
            active=active,
        )


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    label: str
    value: str
    remove_url: str  # the list without this one filter (the others kept)


@dataclass(frozen=True)
class FilterBar:
    label: str
    keyword: forms.BoundField | None
    fields: list
    hidden: list
    active: list[ActiveFilter]


def topic_options(topics) -> list[tuple[str, str]]:
    return [(topic.slug, topic.name) for topic in topics]

"""The project listing's filters (the page and the API share them)."""

import django_filters

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.access import visible_to
from portal.content_language import organisation_name
from portal.models import Organisation, Topic
from portal.records.filters import RecordFilters, semi_join, topic_options

from .models import Expert, Project


class ProjectFilters(RecordFilters):
    status = django_filters.CharFilter(label=_("状态"), field_name="status")
    organisation = django_filters.CharFilter(label=_("牵头单位"), method="filter_organisation")

    # A joint project belongs to its lead offices, of either region.
    region_lookups = ("lead_organisations__region",)
    organisation_lookups = ("lead_organisations__code",)

    field_order = ("status", "topic", "organisation", "region")
    bar_label = _("筛选课题")

    class Meta:
        model = Project
        fields = []

    def options(self):
        options = super().options()
        # Offer only the topics and organisations of projects this reader may see.
        visible = visible_to(self.user, Project.objects.all()).values("pk")
        options["status"] = list(Project.Status.choices)
        options["topic"] = topic_options(
            Topic.objects.filter(research_projects__in=visible).distinct().order_by("kind", "name")
        )
        options["organisation"] = [
            (o.code, organisation_name(o))
            for o in Organisation.objects.filter(led_research_projects__in=visible)
            .distinct()
            .order_by("region", "level", "name")
        ]
        return options


class ExpertFilters(RecordFilters):
    """The expert pool's search: a research field (a theme) and a name or keyword."""

    q = django_filters.CharFilter(label=_("姓名或关键词"), method="filter_text", max_length=64)
    field = django_filters.CharFilter(label=_("研究领域"), method="filter_topic")

    topic_lookups = ("fields__slug",)
    field_order = ("q", "field")
    keyword = "q"
    bar_label = _("检索专家")

    class Meta:
        model = Expert
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Experts are found by field and name; where they work is on each card.
        for name in ("region", "organisation", "topic"):
            self.filters.pop(name, None)
            self.form.fields.pop(name, None)

    def filter_text(self, queryset, name, value):
        text = value.strip()
        # A research field's name joins the topics: semi_join keeps each expert once.
        return semi_join(
            queryset,
            Q(name__icontains=text)
            | Q(title__icontains=text)
            | Q(affiliation__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(fields__name__icontains=text),
        )

    def options(self):
        visible = visible_to(self.user, Expert.objects.all()).values("pk")
        fields = Topic.objects.filter(kind=Topic.Kind.THEME, experts__in=visible).distinct()
        return {"field": topic_options(fields.order_by("name"))}

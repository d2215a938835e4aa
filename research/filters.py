"""The project listing's filters (the page and the API share them)."""

import django_filters

from django.utils.translation import gettext_lazy as _

from portal.access import visible_to
from portal.models import Organisation, Topic
from portal.records.filters import RecordFilters, topic_options

from .models import Project


class ProjectFilters(RecordFilters):
    status = django_filters.CharFilter(label=_("状态"), field_name="status")
    organisation = django_filters.CharFilter(label=_("牵头单位"), method="filter_organisation")

    # A joint project belongs to its lead offices, of either region.
    region_lookups = ("lead_organisations__region",)
    organisation_lookups = ("lead_organisations__code",)

    field_order = ("status", "topic", "organisation", "region")

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
            (o.code, o.name)
            for o in Organisation.objects.filter(led_research_projects__in=visible)
            .distinct()
            .order_by("region", "level", "name")
        ]
        return options

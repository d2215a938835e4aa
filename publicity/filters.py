"""The story listing's filters (the index page and the feeds share them)."""

import django_filters

from django.utils.translation import gettext_lazy as _

from portal.content_language import in_reader_language, organisation_name
from portal.models import Organisation, Region, Topic
from portal.records.filters import RecordFilters, topic_options

from .models import Section, Story


class StoryFilters(RecordFilters):
    section = django_filters.CharFilter(label=_("栏目"), field_name="section__slug")
    organisation = django_filters.CharFilter(label=_("供稿单位"), method="filter_organisation")

    # A story's region is its contributing unit's.
    region_lookups = ("origin_organisation__region",)

    field_order = ("section", "region", "organisation", "topic")
    bar_label = _("筛选稿件")

    class Meta:
        model = Story
        fields = []

    def options(self):
        """What the index page's menus offer: only units and topics that stories carry."""
        organisations = Organisation.objects.filter(
            pk__in=Story.objects.live().values("origin_organisation")
        ).order_by("region", "name")
        return {
            "section": [(s.slug, in_reader_language(s, "name")[0]) for s in Section.objects.all()],
            "region": list(Region.choices),
            "organisation": [(o.code, organisation_name(o)) for o in organisations],
            "topic": topic_options(Topic.objects.filter(pk__in=Story.topics.through.objects.values("topic"))),
        }

"""The materials listing's filters (the page, the API and the feed share them)."""

import django_filters

from django.utils.translation import gettext_lazy as _

from portal.models import HistoricalPeriod, Topic
from portal.records.filters import RecordFilters, topic_options

from .models import Material, MaterialType


class MaterialFilters(RecordFilters):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q", max_length=200)
    type = django_filters.CharFilter(label=_("类型"), field_name="material_type")
    period = django_filters.CharFilter(label=_("历史时期"), field_name="period")
    place = django_filters.CharFilter(label=_("地点"), method="filter_topic_of_kind")
    person = django_filters.CharFilter(label=_("人物"), method="filter_topic_of_kind")
    event = django_filters.CharFilter(label=_("事件"), method="filter_topic_of_kind")

    class Meta:
        model = Material
        fields = []

    field_order = ("q", "type", "period", "place", "person", "event", "topic", "organisation", "region")
    keyword = "q"
    bar_label = _("筛选资料")
    placeholders = {"q": _("标题、说明或文件内容")}

    def filter_topic_of_kind(self, queryset, name, value):
        return self.match(queryset, self.topic_lookups, value, kind=name)

    def filter_q(self, queryset, name, value):
        from .selectors import material_search_ids

        return queryset.filter(pk__in=material_search_ids(query=value))

    def options(self):
        from .selectors import topics_used

        options = super().options()
        options["type"] = list(MaterialType.choices)
        options["period"] = list(HistoricalPeriod.choices)
        # Menus only offer places and people the reader can find.
        for kind in (Topic.Kind.PLACE, Topic.Kind.PERSON, Topic.Kind.EVENT):
            options[kind] = topic_options(topics_used(user=self.user, kind=kind))
        # Any topic a material carries, so a topic's link (?topic=…) shows chosen in this menu.
        options["topic"] = topic_options(topics_used(user=self.user))
        return options

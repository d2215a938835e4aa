"""The calendar's filters (list, month, and the public feeds share them)."""

import django_filters

from django.utils.translation import gettext_lazy as _

from portal.content_language import organisation_name
from portal.records.filters import RecordFilters
from portal.selectors import organisation_list

from .models import Event, EventType


class EventFilters(RecordFilters):
    type = django_filters.CharFilter(label=_("类型"), field_name="event_type")
    topic = None  # events carry no topics

    # Region and organisation match the host or any co-host.
    region_lookups = ("origin_organisation__region", "co_hosts__region")
    organisation_lookups = ("origin_organisation__code", "co_hosts__code")

    field_order = ("region", "type", "organisation")
    known_values_only = True
    bar_label = _("筛选活动")
    everything = {"region": _("全部地区"), "type": _("全部类型"), "organisation": _("全部单位")}

    class Meta:
        model = Event
        fields = []

    def options(self):
        options = super().options()
        options["type"] = list(EventType.choices)
        options["organisation"] = [(o.code, organisation_name(o)) for o in organisation_list()]
        return options

"""A joint meeting hosted by Chengdu in twenty days, shared with partners; print its global id."""

import datetime

from django.utils import timezone

from events.models import Event
from portal.models import Organisation


def main(*, title: str):
    start = timezone.now() + datetime.timedelta(days=20)
    event = Event.objects.create(
        title=title,
        event_type="joint_meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        city="成都",
        venue="四川省委党史研究室",
        origin_organisation=Organisation.objects.get(code="sc-chengdu"),
        access_level="partners",
    )
    print(event.global_id)

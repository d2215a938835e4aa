from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from events.models import Event
from portal.models import StaffProfile
from tests.factories import OrganisationFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试联席会议{n}")
    event_type = "joint_meeting"
    origin_organisation = factory.SubFactory(OrganisationFactory)
    starts_at = shanghai(2030, 3, 18, 9, 0)
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    city = "成都"
    venue = "四川省委党史研究室会议室"
    summary = "两地党史部门通报工作、商议协作事项。"
    access_level = "public"

    @factory.post_generation
    def co_hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_hosts.set(extracted)
            # A ParentalManyToManyField keeps the set in memory until a save names it; the version stays.
            self.save(update_fields=["title", "co_hosts"])


def staff_member(organisation, username: str | None = None):
    """A signed-in staff member of the organisation (no roles needed to read or RSVP)."""
    user = UserFactory(username=username) if username else UserFactory()
    StaffProfile.objects.update_or_create(user=user, defaults={"organisation": organisation})
    return user


def days_ahead(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock time in Shanghai some days from now (the list view shows the coming year)."""
    from django.utils import timezone

    day = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def quarterly_meeting(**kwargs):
    """The joint meeting's quarterly series: four sittings from 15 January 2030, 09:00–11:30."""
    return EventFactory(
        title="川渝党史部门季度联席会议",
        starts_at=shanghai(2030, 1, 15, 9, 0),
        ends_at=shanghai(2030, 1, 15, 11, 30),
        frequency="MONTHLY",
        interval=3,
        count=4,
        **kwargs,
    )

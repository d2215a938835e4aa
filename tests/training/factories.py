import datetime

import factory
from factory.django import DjangoModelFactory

from django.utils import timezone

from portal.services import staff_user_create_or_update
from tests.factories import OrganisationFactory
from training.models import Course, Eligibility, Session, Sitting


def staff(username, organisation, *, roles=(), full_name="张学员"):
    """A staff member of one organisation, holding the given roles there."""
    return staff_user_create_or_update(
        username=username,
        organisation=organisation,
        roles=list(roles),
        full_name=full_name,
        email=f"{username}@example.org",
        password="pass-word-123",
    )


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"川渝党史干部专业化联合培训班{n}")
    summary = "党史资料征编与研究方法。"
    origin_organisation = factory.SubFactory(OrganisationFactory, region="sichuan")
    completion_min_attendance_percent = 80
    access_level = "public"


class SessionFactory(DjangoModelFactory):
    """A session whose enrolment window is open now."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"第{n}期")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + datetime.timedelta(days=2))
    venue = "四川省委党校"
    capacity = 3
    enrolment_opens = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    enrolment_closes = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    eligibility = Eligibility.BOTH_REGIONS


class SittingFactory(DjangoModelFactory):
    class Meta:
        model = Sitting

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"专题课{n}")
    starts_at = factory.Sequence(
        lambda n: datetime.datetime(2030, 5, 6, 1, 0, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))

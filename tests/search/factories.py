"""Records of every module, created the way their admin forms create them."""

import datetime

from django.utils import timezone

from events.models import Event
from materials.models import Material
from portal.models import StaffProfile, Topic
from research.models import Expert, Project
from tests.factories import OrganisationFactory, UserFactory
from training.models import Course


def organisation(code: str, *, name: str, region: str = "chongqing"):
    return OrganisationFactory(code=code, name=name, short_name=name, region=region)


def staff(username: str, org):
    user = UserFactory(username=username)
    StaffProfile.objects.create(user=user, organisation=org)
    return user


def topic(name: str, kind: str) -> Topic:
    return Topic.objects.get_or_create(name=name, kind=kind, defaults={"slug": f"{kind}-{name}"})[0]


def material(title: str, org, *, description="", access_level="public", topics=(), **values) -> Material:
    record = Material.objects.create(
        title=title,
        description=description,
        material_type=values.pop("material_type", "archive"),
        origin_organisation=org,
        origin_region=org.region,
        access_level=access_level,
        **values,
    )
    if topics:
        record.topics.set(topics)
    return record


def project(title: str, org, *, summary="", access_level="public") -> Project:
    record = Project.objects.create(
        title=title,
        summary=summary,
        origin_organisation=org,
        origin_region=org.region,
        access_level=access_level,
        start_date=datetime.date(2024, 3, 1),
    )
    record.lead_organisations.set([org])
    return record


def expert(name: str, org, *, bio="", access_level="partners") -> Expert:
    return Expert.objects.create(
        name=name,
        organisation=org,
        bio=bio,
        origin_organisation=org,
        origin_region=org.region,
        access_level=access_level,
    )


def event(title: str, org, *, summary="", access_level="public", city="重庆") -> Event:
    starts = timezone.make_aware(datetime.datetime(2025, 6, 1, 9, 0))
    return Event.objects.create(
        title=title,
        event_type="symposium",
        origin_organisation=org,
        origin_region=org.region,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        city=city,
        summary=summary,
        access_level=access_level,
    )


def course(title: str, org, *, summary="", access_level="public") -> Course:
    return Course.objects.create(
        title=title,
        summary=summary,
        origin_organisation=org,
        origin_region=org.region,
        access_level=access_level,
    )

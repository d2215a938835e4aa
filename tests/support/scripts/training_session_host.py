"""A Chengdu course with a one-place session, its place taken by ``first``; print the session's global id."""

import datetime

from django.utils import timezone

from portal.models import Organisation
from portal.services import staff_user_create_or_update
from training.models import Course, Session
from training.services import enrolment_create


def main(*, title: str, first: str):
    org = Organisation.objects.get(code="sc-chengdu")
    course = Course.objects.create(title=title, origin_organisation=org, access_level="public")
    today = timezone.localdate()
    session = Session.objects.create(
        course=course,
        title="第一期",
        venue="成都",
        capacity=1,
        starts_on=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=31),
        enrolment_opens=timezone.now() - datetime.timedelta(days=1),
        enrolment_closes=timezone.now() + datetime.timedelta(days=7),
    )
    first_user = staff_user_create_or_update(
        username=first, organisation=org, roles=[], full_name="王一", email="first@example.org",
        password="pass-word-123",
    )  # fmt: skip
    enrolment_create(session_id=session.pk, user=first_user)
    print(session.global_id)

"""A one-place session: the first trainee cancels, so the one on the waitlist is promoted (and mailed)."""

from django.db import transaction

from portal.models import Organisation
from tests.training.factories import SessionFactory, staff
from training import services


def main():
    org = Organisation.objects.get(code="sc-chengdu")
    session = SessionFactory(capacity=1, course__origin_organisation=org)
    first, second = staff("smoke_first", org), staff("smoke_waiting", org)
    with transaction.atomic():
        mine = services.enrolment_create(session_id=session.pk, user=first)
        services.enrolment_create(session_id=session.pk, user=second)
    with transaction.atomic():
        services.enrolment_cancel(enrolment_id=mine.pk, user=first)

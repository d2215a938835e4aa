"""``by`` cancels the enrolment of ``enrolment_of`` in a session."""

from django.contrib.auth import get_user_model

from training.models import Enrolment
from training.services import enrolment_cancel


def main(*, session: str, enrolment_of: str, by: str):
    users = get_user_model().objects
    enrolment = Enrolment.objects.get(session__global_id=session, user__username=enrolment_of)
    enrolment_cancel(enrolment_id=enrolment.pk, user=users.get(username=by))

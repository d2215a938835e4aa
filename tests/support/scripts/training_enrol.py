"""A Qijiang staff member enrols in a session; print the enrolment's global id."""

from portal.models import Organisation
from portal.services import staff_user_create_or_update
from training.models import Session
from training.services import enrolment_create


def main(*, username: str, session: str):
    org = Organisation.objects.get(code="cq-qijiang")
    user = staff_user_create_or_update(
        username=username, organisation=org, roles=[], full_name="李小丽", email="xiaoli@example.org",
        password="pass-word-123",
    )  # fmt: skip
    print(enrolment_create(session_id=Session.objects.get(global_id=session).pk, user=user).global_id)

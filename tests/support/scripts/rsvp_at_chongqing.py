"""A Qijiang staff member answers yes to a meeting; print the RSVP's global id."""

from events.models import Event
from events.services import rsvp_set
from portal.models import Organisation
from portal.services import staff_user_create_or_update


def main(*, username: str, event: str):
    qijiang = Organisation.objects.get(code="cq-qijiang")
    user = staff_user_create_or_update(
        username=username,
        organisation=qijiang,
        roles=[],
        full_name="李小丽",
        email="xiaoli@example.org",
        password="pass-word-123",
    )
    print(rsvp_set(event=Event.objects.get(global_id=event), user=user, attending=True).global_id)

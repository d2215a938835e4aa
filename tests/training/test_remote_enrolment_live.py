"""Two live regions: a Chongqing staff member enrols in a full Sichuan session and sees the waitlist."""

import uuid

import pytest

from sync.live import TWO_ORGANISATIONS, LiveRegions, redis_database, wait_until

# Opt-in: starting two regions takes about 80 s on the shared test machine (the test itself ~15 s).
pytestmark = [
    pytest.mark.services,
    pytest.mark.clock,
]

HOST_SESSION = """
import datetime
from django.utils import timezone
from portal.models import Organisation
from portal.services import staff_user_create_or_update
from training.models import Course, Session
from training.services import enrolment_create
org = Organisation.objects.get(code="sc-chengdu")
course = Course.objects.create(title={title!r}, origin_organisation=org, access_level="public")
today = timezone.localdate()
session = Session.objects.create(course=course, title="第一期", venue="成都", capacity=1,
    starts_on=today + datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=31),
    enrolment_opens=timezone.now() - datetime.timedelta(days=1),
    enrolment_closes=timezone.now() + datetime.timedelta(days=7))
first = staff_user_create_or_update(username={first!r}, organisation=org, roles=[], full_name="王一",
    email="first@example.org", password="pass-word-123")
enrolment_create(session_id=session.pk, user=first)
print(session.global_id)
"""

ENROL = """
from portal.models import Organisation
from portal.services import staff_user_create_or_update
from training.models import Session
from training.services import enrolment_create
org = Organisation.objects.get(code="cq-qijiang")
user = staff_user_create_or_update(username={username!r}, organisation=org, roles=[], full_name="李小丽",
    email="xiaoli@example.org", password="pass-word-123")
print(enrolment_create(session_id=Session.objects.get(global_id={session!r}).pk, user=user).global_id)
"""

CANCEL = """
from django.contrib.auth import get_user_model
from training.models import Enrolment
from training.services import enrolment_cancel
users = get_user_model().objects
enrolment = Enrolment.objects.get(session__global_id={session!r}, user__username={enrolment_of!r})
enrolment_cancel(enrolment_id=enrolment.pk, user=users.get(username={by!r}))
"""


@pytest.fixture(scope="module")
def live(database_url, redis_url, tmp_path_factory):
    with LiveRegions(
        database_url=database_url,
        redis_url=redis_database(redis_url, 4),
        var_dir=tmp_path_factory.mktemp("training_sync"),
        db_prefix="portal_trainsync_live_",
        seed=False,
        setup=TWO_ORGANISATIONS,
    ) as regions:
        yield regions


def test_a_remote_enrolment_in_a_full_session_is_waitlisted_at_both_regions(live):
    tag = uuid.uuid4().hex[:6]
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    session = sichuan.shell(HOST_SESSION.format(title=f"联合培训-{tag}", first=f"sc_first_{tag}")).split()[-1]

    arrived = wait_until(
        lambda: chongqing.query("SELECT 1 FROM training_session WHERE global_id=%s", (session,)), timeout=30
    )
    assert arrived, "the session never reached Chongqing"
    enrolment = chongqing.shell(ENROL.format(username=f"cq_xiaoli_{tag}", session=session)).split()[-1]

    def state(region):
        rows = region.query("SELECT state FROM training_enrolment WHERE global_id=%s", (enrolment,))
        return rows[0][0] if rows else None

    assert wait_until(lambda: state(sichuan) == "waitlisted", timeout=30), state(sichuan)
    [(username, active)] = sichuan.query(
        "SELECT u.username, u.is_active FROM training_enrolment e JOIN auth_user u ON u.id = e.user_id "
        "WHERE e.global_id=%s",
        (enrolment,),
    )
    assert (username, active) == (f"chongqing.cq_xiaoli_{tag}", False)
    assert wait_until(lambda: state(chongqing) == "waitlisted", timeout=30), state(chongqing)

    # The Sichuan trainee drops out at Sichuan: the Chongqing request moves up, at both regions.
    sichuan.shell(CANCEL.format(enrolment_of=f"sc_first_{tag}", session=session, by=f"sc_first_{tag}"))
    assert wait_until(lambda: state(sichuan) == "enrolled", timeout=30), state(sichuan)
    assert wait_until(lambda: state(chongqing) == "enrolled", timeout=30), state(chongqing)

    # The Chongqing trainee cancels at Chongqing: the request travels to Sichuan, which frees the place.
    chongqing.shell(CANCEL.format(enrolment_of=f"cq_xiaoli_{tag}", session=session, by=f"cq_xiaoli_{tag}"))
    assert wait_until(lambda: state(sichuan) == "cancelled", timeout=30), state(sichuan)
    assert wait_until(lambda: state(chongqing) == "cancelled", timeout=30), state(chongqing)
    [(command_state,)] = chongqing.query(
        "SELECT state FROM sync_outgoingcommand "
        "WHERE name='training.enrolment_cancel' AND payload->>'enrolment'=%s",
        (enrolment,),
    )
    assert command_state == "delivered"

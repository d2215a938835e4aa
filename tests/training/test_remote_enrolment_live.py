"""Two live regions: a Chongqing staff member enrols in a full Sichuan session and sees the waitlist."""

import uuid

import pytest

from tests.support.live import TWO_ORGANISATIONS, LiveRegions, redis_database
from tests.support.scripts import script
from tests.support.waiting import wait_until

# Opt-in: starting two regions takes about 80 s on the shared test machine (the test itself ~15 s).
pytestmark = [
    pytest.mark.services,
    pytest.mark.clock,
]

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
    session = sichuan.shell(script("training_session_host", title=f"联合培训-{tag}", first=f"sc_first_{tag}"))
    session = session.split()[-1]

    wait_until(
        lambda: chongqing.query("SELECT 1 FROM training_session WHERE global_id=%s", (session,)),
        timeout=30,
        what="the session at Chongqing",
    )
    enrolment = chongqing.shell(script("training_enrol", username=f"cq_xiaoli_{tag}", session=session))
    enrolment = enrolment.split()[-1]

    def state(region):
        rows = region.query("SELECT state FROM training_enrolment WHERE global_id=%s", (enrolment,))
        return rows[0][0] if rows else None

    def reaches(region, expected):
        wait_until(
            lambda: state(region) == expected,
            timeout=30,
            what=lambda: f"the enrolment {expected} at {region.name} (it is {state(region)})",
        )

    reaches(sichuan, "waitlisted")
    [(username, active)] = sichuan.query(
        "SELECT u.username, u.is_active FROM training_enrolment e JOIN auth_user u ON u.id = e.user_id "
        "WHERE e.global_id=%s",
        (enrolment,),
    )
    assert (username, active) == (f"chongqing.cq_xiaoli_{tag}", False)
    reaches(chongqing, "waitlisted")

    # The Sichuan trainee drops out at Sichuan: the Chongqing request moves up, at both regions.
    sichuan.shell(
        script("training_cancel", enrolment_of=f"sc_first_{tag}", session=session, by=f"sc_first_{tag}")
    )
    reaches(sichuan, "enrolled")
    reaches(chongqing, "enrolled")

    # The Chongqing trainee cancels at Chongqing: the request travels to Sichuan, which frees the place.
    chongqing.shell(
        script("training_cancel", enrolment_of=f"cq_xiaoli_{tag}", session=session, by=f"cq_xiaoli_{tag}")
    )
    reaches(sichuan, "cancelled")
    reaches(chongqing, "cancelled")
    [(command_state,)] = chongqing.query(
        "SELECT state FROM sync_outgoingcommand "
        "WHERE name='training.enrolment_cancel' AND payload->>'enrolment'=%s",
        (enrolment,),
    )
    assert command_state == "delivered"

"""Two live regions whose broker goes down for a while: nothing is lost, the backlog drains by itself."""

import time

import pytest

from sync.live import TWO_ORGANISATIONS, LiveRegions, PrivateRedis, wait_until

from .test_two_regions import MEETING, RSVP_AT_CHONGQING, copies, publish

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def outage(database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("broker_outage")
    broker = PrivateRedis(folder)
    broker.start()
    try:
        with LiveRegions(
            database_url=database_url,
            redis_url=broker.url,
            var_dir=folder,
            db_prefix="portal_outage_",
            seed=False,
            setup=TWO_ORGANISATIONS,
        ) as regions:
            yield regions, broker
    finally:
        broker.stop()


def test_a_change_and_a_request_made_while_the_broker_is_down_arrive_once_it_is_back(outage):
    regions, broker = outage
    sichuan, chongqing = regions["sichuan"], regions["chongqing"]
    event = sichuan.shell(MEETING.format(title="川渝联席会议（断线）")).split()[-1]
    assert wait_until(
        lambda: chongqing.query("SELECT 1 FROM events_event WHERE global_id=%s", (event,)), timeout=30
    )

    def recorded_at_sichuan(rsvp):
        return sichuan.query("SELECT state FROM events_rsvp WHERE global_id=%s", (rsvp,))

    broker.stop()
    try:
        # Both saves commit although nothing can be queued; the tasks they could not queue are logged.
        [material] = publish(sichuan, prefix="断线期间-")
        rsvp = chongqing.shell(RSVP_AT_CHONGQING.format(username="cq_outage", event=event)).split()[-1]
        time.sleep(8)  # longer than a beat interval: without the broker nothing moves
        assert not copies(chongqing, "断线期间-")
        assert not recorded_at_sichuan(rsvp)
    finally:
        broker.start()

    assert wait_until(lambda: copies(chongqing, "断线期间-"), timeout=90), "the change never arrived"
    assert wait_until(lambda: recorded_at_sichuan(rsvp) == [("recorded",)], timeout=90)
    assert wait_until(
        lambda: (
            chongqing.query("SELECT state FROM events_rsvp WHERE global_id=%s", (rsvp,)) == [("recorded",)]
        ),
        timeout=30,
    )
    [(global_id,)] = chongqing.query(
        "SELECT global_id::text FROM materials_material WHERE title LIKE '断线期间-%%'"
    )
    assert global_id == material

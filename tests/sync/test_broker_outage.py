"""Two live regions whose broker goes down for a while: nothing is lost, the backlog drains by itself."""

import pytest

from tests.support.live import TWO_ORGANISATIONS, LiveRegions, PrivateRedis
from tests.support.scripts import script
from tests.support.waiting import wait_until

from .test_two_regions import copies, publish

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
    event = sichuan.shell(script("meeting_create", title="川渝联席会议（断线）")).split()[-1]
    wait_until(
        lambda: chongqing.query("SELECT 1 FROM events_event WHERE global_id=%s", (event,)),
        timeout=30,
        what="the meeting at Chongqing",
    )

    def recorded_at_sichuan(rsvp):
        return sichuan.query("SELECT state FROM events_rsvp WHERE global_id=%s", (rsvp,))

    def beat_waits(region):
        """How often the region's beat found the broker away (portal/beat.py logs each tick)."""
        return (region.var_dir / "beat.log").read_text(errors="replace").count("beat cannot reach Redis")

    waits_before = {region.name: beat_waits(region) for region in (sichuan, chongqing)}
    broker.stop()
    try:
        # Both saves commit although nothing can be queued; the tasks they could not queue are logged.
        [material] = publish(sichuan, prefix="断线期间-")
        rsvp = chongqing.shell(script("rsvp_at_chongqing", username="cq_outage", event=event)).split()[-1]
        # Each beat finds the broker away twice, a schedule interval (5 s) apart: nothing moves meanwhile.
        wait_until(
            lambda: all(beat_waits(r) >= waits_before[r.name] + 2 for r in (sichuan, chongqing)),
            timeout=60,
            what="both beats finding the broker away twice",
        )
        assert not copies(chongqing, "断线期间-")
        assert not recorded_at_sichuan(rsvp)
    finally:
        broker.start()

    wait_until(lambda: copies(chongqing, "断线期间-"), timeout=90, what="the change at Chongqing")
    wait_until(lambda: recorded_at_sichuan(rsvp) == [("recorded",)], timeout=90, what="the answer at Sichuan")
    wait_until(
        lambda: (
            chongqing.query("SELECT state FROM events_rsvp WHERE global_id=%s", (rsvp,)) == [("recorded",)]
        ),
        timeout=30,
        what="the reply settling the answer at Chongqing",
    )
    [(global_id,)] = chongqing.query(
        "SELECT global_id::text FROM materials_material WHERE title LIKE '断线期间-%%'"
    )
    assert global_id == material

"""An RSVP to the partner region's meeting travels to the host; the host's reply settles it.

This process plays each region in turn: Chongqing answers Sichuan's meeting (a
replica there), Sichuan handles the command as the host.
"""

import dataclasses
from datetime import timedelta

import pytest

from django.utils import timezone

from events.models import RSVP
from events.services import event_cancel
from portal.settings.environment import Partner
from sync.models import OutgoingCommand
from sync.registry import command
from sync.services.delivery import partner_commands_send
from tests.events.factories import EventFactory, days_ahead, staff_member
from tests.factories import OrganisationFactory
from tests.sync.conftest import PartnerStub

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SICHUAN = Partner(
    region="sichuan", base_url="http://127.0.0.1:9", key_id="sc-key", secret="川渝-shared-secret"
)


@pytest.fixture
def organisations(db):
    return {
        "host": OrganisationFactory(code="sc-chengdu", name="成都市委党史研究室", region="sichuan"),
        "qijiang": OrganisationFactory(
            code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing"
        ),
    }


@pytest.fixture
def at_chongqing(settings):
    settings.PORTAL_REGION = "chongqing"
    settings.PORTAL_PARTNERS = [SICHUAN]


@pytest.fixture
def at_sichuan(settings):
    settings.PORTAL_REGION = "sichuan"
    settings.PORTAL_PARTNERS = []


def sichuan_meeting(organisations, **fields):
    meeting = EventFactory(
        title="川渝党史协作联席会议",
        origin_organisation=organisations["host"],
        starts_at=days_ahead(20),
        **fields,
    )
    # As sync leaves it at Chongqing: a copy whose origin is Sichuan.
    type(meeting).objects.filter(pk=meeting.pk).update(origin_region="sichuan")
    meeting.refresh_from_db()
    return meeting


def answer(*, rsvp_id, meeting, attending=True, answered_at=None, organisation="cq-qijiang"):
    """The events.rsvp command as Chongqing sends it."""
    return {
        "rsvp": rsvp_id,
        "event": str(meeting.global_id),
        "occurrence_date": timezone.localtime(meeting.starts_at).date().isoformat(),
        "attending": attending,
        "answered_at": (answered_at or timezone.now()).isoformat(),
        "username": "cq_xiaoli",
        "name": "李小丽",
        "email": "xiaoli@example.org",
        "organisation": organisation,
    }


def host_handles(payload):
    return command("events.rsvp").handle(payload, "chongqing")


def test_an_answer_to_the_partners_meeting_waits_for_the_host_and_is_settled_by_its_reply(
    at_chongqing, organisations, client, settings
):
    meeting = sichuan_meeting(organisations)
    xiaoli = staff_member(organisations["qijiang"])
    client.force_login(xiaoli)
    client.post(f"/events/{meeting.global_id}/rsvp/", {"attending": "yes"})

    rsvp = RSVP.objects.get(event=meeting, user=xiaoli)
    assert rsvp.state == RSVP.State.PENDING
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "您已回复：参加" in html and "正在送达主办地区" in html
    sent = OutgoingCommand.objects.get(name="events.rsvp")
    assert sent.partner_region == "sichuan"
    assert (sent.payload["rsvp"], sent.payload["organisation"]) == (str(rsvp.global_id), "cq-qijiang")

    stub = PartnerStub()
    try:
        settings.PORTAL_PARTNERS = [dataclasses.replace(SICHUAN, base_url=stub.url)]
        stub.answer("POST", "/sync/commands", (200, {"rsvp": str(rsvp.global_id), "state": "recorded"}))
        assert partner_commands_send(partner_region="sichuan") == 1
    finally:
        stub.close()
    rsvp.refresh_from_db()
    assert rsvp.state == RSVP.State.RECORDED
    assert "正在送达主办地区" not in client.get(meeting.get_absolute_url()).content.decode()


def test_the_hosts_reply_to_an_older_answer_does_not_settle_a_newer_one(at_chongqing, organisations, client):
    meeting = sichuan_meeting(organisations)
    client.force_login(staff_member(organisations["qijiang"]))
    client.post(f"/events/{meeting.global_id}/rsvp/", {"attending": "yes"})
    client.post(f"/events/{meeting.global_id}/rsvp/", {"attending": "no"})
    first, second = OutgoingCommand.objects.order_by("pk")
    assert (first.payload["attending"], second.payload["attending"]) == (True, False)

    command("events.rsvp").on_reply(first.payload, {"state": "recorded"})
    rsvp = RSVP.objects.get(event=meeting)
    assert (rsvp.attending, rsvp.state) == (False, RSVP.State.PENDING)
    command("events.rsvp").on_reply(second.payload, {"state": "refused", "reason": "该场次已取消"})
    rsvp.refresh_from_db()
    assert (rsvp.state, rsvp.decision_reason) == (RSVP.State.REFUSED, "该场次已取消")


def test_the_host_records_the_partners_answer_once_and_counts_it_for_its_organisation(
    at_sichuan, organisations, client
):
    meeting = EventFactory(
        title="联席会议", origin_organisation=organisations["host"], starts_at=days_ahead(20)
    )
    earlier = timezone.now() - timedelta(minutes=5)
    payload = answer(rsvp_id="6f1c0c52-0000-4000-8000-000000000001", meeting=meeting, answered_at=earlier)

    assert host_handles(payload)["state"] == "recorded"
    assert host_handles(payload)["state"] == "recorded"  # delivered twice: one answer
    rsvp = RSVP.objects.get(event=meeting)
    assert (rsvp.user.username, rsvp.user.is_active, rsvp.organisation.code) == (
        "chongqing.cq_xiaoli",
        False,
        "cq-qijiang",
    )

    newer = answer(rsvp_id=payload["rsvp"], meeting=meeting, attending=False)
    host_handles(newer)
    reply = host_handles(payload)  # the older answer arriving late changes nothing
    assert reply["attending"] is False
    assert RSVP.objects.get(event=meeting).attending is False

    host = staff_member(organisations["host"])
    client.force_login(host)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<tr class="rsvp-count"><td>綦江区委党史地方志研究室</td>' in html


def test_the_host_refuses_an_answer_for_a_cancelled_meeting_or_from_the_wrong_region(
    at_sichuan, organisations
):
    meeting = EventFactory(origin_organisation=organisations["host"], starts_at=days_ahead(20))
    wrong_region = answer(
        rsvp_id="6f1c0c52-0000-4000-8000-000000000002", meeting=meeting, organisation="sc-chengdu"
    )
    reply = host_handles(wrong_region)
    assert reply["state"] == "refused" and reply["reason"] == "单位不属于发出回执的地区"

    event_cancel(event=meeting)
    reply = host_handles(answer(rsvp_id="6f1c0c52-0000-4000-8000-000000000003", meeting=meeting))
    assert reply["state"] == "refused" and "已取消" in reply["reason"]
    assert not RSVP.objects.filter(event=meeting).exists()

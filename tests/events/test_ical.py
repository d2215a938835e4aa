from datetime import UTC, datetime

import icalendar
import pytest

from events.services import event_cancel, event_exception_set
from tests.events.factories import SHANGHAI, EventFactory, quarterly_meeting, shanghai, staff_member
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _feed(client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _vevents(calendar) -> list:
    return list(calendar.walk("VEVENT"))


def _by_uid(calendar) -> dict[str, list]:
    found: dict[str, list] = {}
    for component in _vevents(calendar):
        found.setdefault(str(component["UID"]), []).append(component)
    return found


def test_recurring_meeting_is_one_series_with_exdate_and_a_moved_override(client):
    event = quarterly_meeting()
    event_exception_set(event=event, original_date=shanghai(2030, 4, 15).date(), kind="cancelled")
    event_exception_set(
        event=event,
        original_date=shanghai(2030, 7, 15).date(),
        kind="moved",
        new_starts_at=shanghai(2030, 7, 22, 10, 0),
        new_ends_at=shanghai(2030, 7, 22, 12, 0),
        note="改至7月22日",
    )
    event.refresh_from_db()

    calendar = _feed(client, "/events/calendar.ics")
    series = _by_uid(calendar)[f"{event.global_id}@portal"]
    master = next(c for c in series if "RECURRENCE-ID" not in c)
    override = next(c for c in series if "RECURRENCE-ID" in c)

    assert len(series) == 2
    assert master["RRULE"] == {"FREQ": ["MONTHLY"], "INTERVAL": [3], "COUNT": [4]}
    start = master.decoded("DTSTART")
    assert start == shanghai(2030, 1, 15, 9, 0)
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert start.astimezone(UTC) == datetime(2030, 1, 15, 1, 0, tzinfo=UTC)
    assert [d.dt for d in master["EXDATE"].dts] == [shanghai(2030, 4, 15, 9, 0)]
    assert override.decoded("RECURRENCE-ID") == shanghai(2030, 7, 15, 9, 0)
    assert override.decoded("DTSTART") == shanghai(2030, 7, 22, 10, 0)
    assert override.decoded("DTEND") == shanghai(2030, 7, 22, 12, 0)
    assert "改至7月22日" in str(override["DESCRIPTION"])
    assert master["SEQUENCE"] == override["SEQUENCE"] == event.version
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_uids_are_stable_and_updates_and_cancellations_reach_subscribers(client):
    event = EventFactory(title="红岩精神与中国革命精神学术研讨会", event_type="symposium")
    uid = f"{event.global_id}@portal"

    response = client.get("/events/calendar.ics")
    first = response.content
    assert client.get("/events/calendar.ics").content == first
    # An unchanged feed is not sent again to a polling calendar app.
    assert client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    before = _by_uid(icalendar.Calendar.from_ical(first))[uid][0]
    assert before["STATUS"] == "CONFIRMED"

    event.venue = "西南大学"
    event.save()
    assert client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    updated = _by_uid(_feed(client, "/events/calendar.ics"))[uid][0]
    assert updated["SEQUENCE"] == before["SEQUENCE"] + 1
    assert "西南大学" in str(updated["LOCATION"])

    event_cancel(event=event)
    cancelled = _by_uid(_feed(client, "/events/calendar.ics"))[uid][0]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == before["SEQUENCE"] + 2
    assert cancelled.decoded("DTSTART") == before.decoded("DTSTART")


def test_until_is_sent_in_utc_as_rfc_5545_requires(client):
    event = EventFactory(
        starts_at=shanghai(2030, 1, 1, 9, 0),
        ends_at=shanghai(2030, 1, 1, 10, 0),
        frequency="WEEKLY",
        until=shanghai(2030, 2, 5).date(),
    )
    master = _by_uid(_feed(client, "/events/calendar.ics"))[f"{event.global_id}@portal"][0]
    assert master["RRULE"]["UNTIL"] == [datetime(2030, 2, 5, 15, 59, 59, tzinfo=UTC)]
    assert b"UNTIL=20300205T155959Z" in client.get("/events/calendar.ics").content


def test_region_type_and_organisation_feeds(client):
    chengdu = OrganisationFactory(
        code="sc-chengdu-t", name="成都市委党史研究室T", region="sichuan", level="city"
    )
    chongqing = OrganisationFactory(code="cq-municipal-t", name="重庆市委党史研究室T", region="chongqing")
    qijiang = OrganisationFactory(code="cq-qijiang-t", name="綦江区委党史地方志研究室T", region="chongqing")
    in_chengdu = EventFactory(title="成都主办的联席会议", origin_organisation=chengdu)
    co_hosted = EventFactory(
        title="重庆主办、成都协办的论坛",
        event_type="forum",
        origin_organisation=chongqing,
        co_hosts=[chengdu],
    )
    symposium = EventFactory(title="綦江的研讨会", event_type="symposium", origin_organisation=qijiang)

    def titles(url):
        return sorted(str(c["SUMMARY"]) for c in _vevents(_feed(client, url)))

    assert titles("/events/calendar/sichuan.ics") == sorted([in_chengdu.title, co_hosted.title])
    assert titles("/events/calendar/chongqing.ics") == sorted([co_hosted.title, symposium.title])
    assert titles("/events/calendar/type/symposium.ics") == [symposium.title]
    assert titles("/events/calendar/organisation/sc-chengdu-t.ics") == sorted(
        [in_chengdu.title, co_hosted.title]
    )
    assert titles("/events/calendar.ics") == sorted([in_chengdu.title, co_hosted.title, symposium.title])
    assert client.get("/events/calendar/guizhou.ics").status_code == 404
    assert client.get("/events/calendar/type/party.ics").status_code == 404
    assert client.get("/events/calendar/organisation/nobody.ics").status_code == 404


def test_public_feeds_never_carry_partners_or_internal_events(client):
    organisation = OrganisationFactory()
    EventFactory(title="公开活动", origin_organisation=organisation)
    EventFactory(title="协作单位活动", access_level="partners", origin_organisation=organisation)
    EventFactory(title="内部活动", access_level="internal", origin_organisation=organisation)
    # Not even when the request happens to come with a staff session.
    client.force_login(staff_member(organisation))
    for url in (
        "/events/calendar.ics",
        f"/events/calendar/{organisation.region}.ics",
        "/events/calendar/type/joint_meeting.ics",
        f"/events/calendar/organisation/{organisation.code}.ics",
    ):
        assert [str(c["SUMMARY"]) for c in _vevents(_feed(client, url))] == ["公开活动"]


def test_private_feed_carries_partners_events_and_own_internal_ones(client):
    own = OrganisationFactory()
    other = OrganisationFactory(region="sichuan")
    EventFactory(title="公开活动", origin_organisation=other)
    EventFactory(title="协作单位活动", access_level="partners", origin_organisation=other)
    EventFactory(title="本单位内部活动", access_level="internal", origin_organisation=own)
    EventFactory(title="他单位内部活动", access_level="internal", origin_organisation=other)
    client.force_login(staff_member(own))

    page = client.get("/events/").content.decode()
    private_url = page.split('id="private-feed" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert "/events/calendar/private/" in private_url
    client.logout()

    calendar = _feed(client, private_url)
    assert sorted(str(c["SUMMARY"]) for c in _vevents(calendar)) == [
        "公开活动",
        "协作单位活动",
        "本单位内部活动",
    ]
    private = client.get(private_url)
    assert "no-store" in private["Cache-Control"]
    assert client.get("/events/calendar/private/not-a-token.ics").status_code == 404


def test_resetting_the_private_address_retires_the_old_one(client):
    member = staff_member(OrganisationFactory())
    client.force_login(member)
    client.get("/events/")
    old = type(member).objects.get(pk=member.pk).events_calendar_token.token
    response = client.post("/events/calendar/private/reset/")
    assert response.status_code == 302
    new = type(member).objects.get(pk=member.pk).events_calendar_token.token
    assert new != old
    assert client.get(f"/events/calendar/private/{old}.ics").status_code == 404
    assert client.get(f"/events/calendar/private/{new}.ics").status_code == 200


def test_anonymous_page_offers_no_private_feed(client):
    EventFactory(starts_at=datetime(2030, 3, 18, 9, 0, tzinfo=SHANGHAI))
    html = client.get("/events/").content.decode()
    assert "private-feed" not in html
    assert 'href="webcal://testserver/events/calendar.ics"' in html

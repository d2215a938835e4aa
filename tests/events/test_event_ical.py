"""The per-event .ics: the event's own calendar entry, for the readers who may see its page."""

import icalendar
import pytest

from events.services import event_exception_set
from tests.events.factories import EventFactory, quarterly_meeting, shanghai, staff_member
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _ics(event) -> str:
    return f"/events/{event.global_id}/event.ics"


def test_an_event_page_offers_its_own_ics_built_like_the_feeds(client):
    event = quarterly_meeting()
    EventFactory(title="另一个会议")
    event_exception_set(event=event, original_date=shanghai(2030, 4, 15).date(), kind="cancelled")
    event.refresh_from_db()

    html = client.get(event.get_absolute_url()).content.decode()
    assert f'href="{_ics(event)}"' in html

    response = client.get(_ics(event))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="event-20300115.ics"'
    assert "public" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "川渝党史部门季度联席会议"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.global_id}@portal"
    assert str(vevent["SUMMARY"]) == "川渝党史部门季度联席会议"
    assert vevent["RRULE"] == {"FREQ": ["MONTHLY"], "INTERVAL": [3], "COUNT": [4]}
    assert vevent.decoded("DTSTART") == shanghai(2030, 1, 15, 9, 0)
    assert [d.dt for d in vevent["EXDATE"].dts] == [shanghai(2030, 4, 15, 9, 0)]
    assert str(vevent["URL"]) == f"http://testserver{event.get_absolute_url()}"

    # Unchanged, it costs a calendar app a 304.
    again = client.get(_ics(event), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_the_ics_follows_the_access_rule_of_the_event_page(client):
    own = OrganisationFactory()
    other = OrganisationFactory(region="sichuan")
    partners = EventFactory(title="协作单位的咨询会", access_level="partners", origin_organisation=own)
    internal = EventFactory(title="本单位的内部会", access_level="internal", origin_organisation=own)

    assert client.get(_ics(partners)).status_code == 404
    assert client.get(_ics(internal)).status_code == 404
    assert client.get("/events/00000000-0000-0000-0000-000000000000/event.ics").status_code == 404

    client.force_login(staff_member(other))
    response = client.get(_ics(partners))
    assert response.status_code == 200 and "协作单位的咨询会" in response.content.decode()
    # Not for shared caches: only this reader may have it.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(_ics(internal)).status_code == 404

    client.force_login(staff_member(own))
    assert client.get(_ics(internal)).status_code == 200
    assert f'href="{_ics(internal)}"' in client.get(internal.get_absolute_url()).content.decode()

from datetime import timedelta

import pytest

from events.models import RSVP
from events.services import event_cancel, event_exception_set
from tests.events.factories import EventFactory, days_ahead, shanghai, staff_member
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _counts(html: str) -> dict[str, tuple[int, int]]:
    """The host's per-organisation table: organisation -> (attending, not attending)."""
    rows = {}
    for row in html.split('<tr class="rsvp-count">')[1:]:
        cells = [cell.split("</td>", 1)[0].split(">")[-1] for cell in row.split("<td")[1:4]]
        rows[cells[0]] = (int(cells[1]), int(cells[2]))
    return rows


def test_staff_answer_and_the_host_sees_counts_per_organisation(client):
    host = OrganisationFactory(name="重庆市委党史研究室R", region="chongqing")
    chengdu = OrganisationFactory(name="成都市委党史研究室R", region="sichuan")
    yaan = OrganisationFactory(name="雅安市委党史研究室R", region="sichuan")
    event = EventFactory(title="季度联席会议", origin_organisation=host, starts_at=days_ahead(20))
    rsvp_url = f"/events/{event.global_id}/rsvp/"

    answers = [
        (staff_member(host), "yes"),
        (staff_member(host), "yes"),
        (staff_member(chengdu), "yes"),
        (staff_member(chengdu), "no"),
        (staff_member(yaan), "no"),
    ]
    for user, answer in answers:
        client.force_login(user)
        response = client.post(rsvp_url, {"attending": answer})
        assert response.status_code == 302
        assert response["Location"] == f"/events/{event.global_id}/#rsvp"

    # Changing one's mind replaces the answer rather than adding one.
    client.force_login(answers[4][0])
    client.post(rsvp_url, {"attending": "yes"})
    assert RSVP.objects.filter(event=event).count() == 5
    html = client.get(event.get_absolute_url()).content.decode()
    assert "您已回复：参加" in html
    # A partner's staff member does not see the host's tally.
    assert "各单位回执统计" not in html

    client.force_login(answers[0][0])
    html = client.get(event.get_absolute_url()).content.decode()
    assert "各单位回执统计" in html
    assert _counts(html) == {
        "重庆市委党史研究室R": (2, 0),
        "成都市委党史研究室R": (1, 1),
        "雅安市委党史研究室R": (1, 0),
    }


def test_readers_without_a_staff_seat_cannot_answer(client):
    event = EventFactory(starts_at=days_ahead(20))
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'name="attending"' not in html
    response = client.post(f"/events/{event.global_id}/rsvp/", {"attending": "yes"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not RSVP.objects.exists()


def test_staff_cannot_answer_for_an_event_they_may_not_see(client):
    event = EventFactory(access_level="internal", starts_at=days_ahead(20))
    client.force_login(staff_member(OrganisationFactory()))
    assert client.post(f"/events/{event.global_id}/rsvp/", {"attending": "yes"}).status_code == 404
    assert not RSVP.objects.exists()


def test_a_finished_or_cancelled_meeting_takes_no_more_answers(client):
    member = staff_member(OrganisationFactory())
    client.force_login(member)
    finished = EventFactory(starts_at=shanghai(2020, 5, 19, 9, 30))
    cancelled = event_cancel(event=EventFactory(starts_at=days_ahead(20)))
    for event in (finished, cancelled):
        assert 'name="attending"' not in client.get(event.get_absolute_url()).content.decode()
        client.post(f"/events/{event.global_id}/rsvp/", {"attending": "yes"})
    assert not RSVP.objects.exists()


def test_staff_answer_for_the_next_occurrence_of_a_recurring_meeting(client):
    host = OrganisationFactory(name="四川省委党史研究室R")
    first = days_ahead(3, hour=9, minute=30)
    event = EventFactory(
        title="每周协调会", origin_organisation=host, starts_at=first, frequency="WEEKLY", count=3
    )
    event_exception_set(event=event, original_date=first.date(), kind="cancelled")
    second = first + timedelta(days=7)
    member = staff_member(host)
    client.force_login(member)

    html = client.get(event.get_absolute_url()).content.decode()
    assert f"场次：{second.year}年{second.month}月{second.day}日 09:30" in html
    client.post(f"/events/{event.global_id}/rsvp/", {"attending": "yes"})
    # The cancelled occurrence takes no answers, even when named explicitly.
    client.post(
        f"/events/{event.global_id}/rsvp/", {"attending": "yes", "occurrence": first.date().isoformat()}
    )
    client.post(
        f"/events/{event.global_id}/rsvp/",
        {"attending": "no", "occurrence": (first + timedelta(days=14)).date().isoformat()},
    )
    answers = {r.occurrence_date: r.attending for r in RSVP.objects.filter(user=member)}
    assert answers == {second.date(): True, (first + timedelta(days=14)).date(): False}
    html = client.get(event.get_absolute_url()).content.decode()
    assert "您已回复：参加" in html
    assert _counts(html) == {"四川省委党史研究室R": (1, 0)}

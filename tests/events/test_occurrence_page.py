"""An event page shows the occurrence a list linked to, and marks the occurrences already held."""

from datetime import timedelta

import pytest

from events.services import event_exception_set
from tests.events.factories import EventFactory, days_ahead

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _day(moment) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _when(html: str) -> str:
    """The 时间 line of the event page."""
    return html.split('class="event__when"', 1)[1].split("</dd>", 1)[0]


@pytest.fixture
def weekly():
    # Every week at 09:00 from ten weeks minus two days ago: the next one is two days from now.
    first = days_ahead(-68)
    return EventFactory(title="每周工作例会", starts_at=first, frequency="WEEKLY", count=20)


def test_the_list_links_to_the_occurrence_and_its_page_shows_that_date(client, weekly):
    listed = days_ahead(2 + 7 * 3)
    html = client.get("/events/").content.decode()
    link = f'href="{weekly.get_absolute_url()}?on={listed.date().isoformat()}"'
    assert link in html
    page = client.get(f"{weekly.get_absolute_url()}?on={listed.date().isoformat()}")
    assert page.status_code == 200
    when = _when(page.content.decode())
    assert f"{_day(listed)} 09:00" in when
    assert f'datetime="{listed.isoformat()}"' in when
    assert _day(weekly.starts_at.astimezone(listed.tzinfo)) not in when
    assert "已结束" not in when


def test_the_month_view_links_to_the_occurrence_too(client, weekly):
    listed = days_ahead(2 + 7)
    html = client.get(f"/events/month/{listed.year}/{listed.month:02d}/").content.decode()
    assert f'href="{weekly.get_absolute_url()}?on={listed.date().isoformat()}"' in html


def test_a_day_that_is_not_an_occurrence_falls_back_to_the_next_one(client, weekly):
    following = f"{_day(days_ahead(2))} 09:00"
    url = weekly.get_absolute_url()
    for on in (days_ahead(3).date().isoformat(), "2027-02-30", "garbage", "99999-01-01", "0001-01-01", ""):
        response = client.get(url, {"on": on})
        assert response.status_code == 200, on
        assert following in _when(response.content.decode()), on
    assert following in _when(client.get(url).content.decode())


def test_a_past_occurrence_is_shown_as_held(client, weekly):
    held = days_ahead(-5)
    when = _when(client.get(weekly.get_absolute_url(), {"on": held.date().isoformat()}).content.decode())
    assert f"{_day(held)} 09:00" in when and "已结束" in when


def test_a_moved_occurrence_shows_its_new_time(client, weekly):
    original = days_ahead(9)
    event_exception_set(
        event=weekly,
        original_date=original.date(),
        kind="moved",
        new_starts_at=original + timedelta(days=1, hours=5),
        new_ends_at=original + timedelta(days=1, hours=7),
    )
    html = client.get("/events/").content.decode()
    assert f"?on={original.date().isoformat()}" in html
    when = _when(client.get(weekly.get_absolute_url(), {"on": original.date().isoformat()}).content.decode())
    assert f"{_day(original + timedelta(days=1))} 14:00" in when
    assert f"由 {_day(original)} 改期" in when


def test_a_series_that_is_over_shows_its_last_occurrence(client):
    first = days_ahead(-40)
    event = EventFactory(starts_at=first, frequency="WEEKLY", count=3)
    when = _when(client.get(event.get_absolute_url(), {"on": "garbage"}).content.decode())
    assert f"{_day(first + timedelta(days=14))} 09:00" in when and "已结束" in when


def test_staff_answer_for_the_occurrence_they_opened(client, weekly):
    from tests.events.factories import staff_member
    from tests.factories import OrganisationFactory

    client.force_login(staff_member(OrganisationFactory()))
    later = days_ahead(2 + 14)
    url = f"{weekly.get_absolute_url()}?on={later.date().isoformat()}"
    html = client.get(url).content.decode()
    assert f'name="occurrence" value="{later.date().isoformat()}"' in html
    response = client.post(
        f"{weekly.get_absolute_url()}rsvp/", {"attending": "yes", "occurrence": later.date().isoformat()}
    )
    assert response["Location"] == url + "#rsvp"


def _section(html: str, heading: str) -> str:
    return html.split(f"<h2>{heading}</h2>", 1)[1].split("</section>", 1)[0]


def test_occurrences_held_are_listed_apart_and_marked(client, weekly):
    html = client.get(weekly.get_absolute_url()).content.decode()
    upcoming = _section(html, "近期场次")
    held = _section(html, "已结束的场次")
    # 20 weekly occurrences: ten held (the latest five days ago), ten to come (the next in two days).
    assert upcoming.count("<li") == 10 and "已结束" not in upcoming
    assert f"{_day(days_ahead(2))} 09:00" in upcoming and f"{_day(days_ahead(-5))}" not in upcoming
    assert held.count("<li") == 10 and held.count("已结束") == 10
    assert held.count('class="occurrence occurrence--past"') == 10
    # Latest first, each linking to its own page.
    assert held.index(_day(days_ahead(-5))) < held.index(_day(days_ahead(-12)))
    assert f'href="{weekly.get_absolute_url()}?on={days_ahead(-5).date().isoformat()}"' in held
    # The occurrence shown is marked in the list.
    assert f'?on={days_ahead(2).date().isoformat()}" aria-current="true"' in upcoming

    english = client.get(f"/en{weekly.get_absolute_url()}").content.decode()
    assert "Over" in english


def _visible_text(html: str) -> str:
    """The page's text as read: no tags, attributes or scripts (JSON-LD carries ISO dates by design)."""
    import re

    html = re.sub(r"(?s)<script.*?</script>", "", html)
    return re.sub(r"<[^>]*>", " ", html)


def test_event_pages_write_dates_with_the_one_date_rule(client, weekly):
    import re

    from portal.dates import date_display

    held = days_ahead(-5)
    EventFactory(title="去年的会议", starts_at=held.replace(year=held.year - 1, day=1))
    pages = {
        "detail": f"{weekly.get_absolute_url()}?on={held.date().isoformat()}",
        "list": "/events/",
        "month": f"/events/month/{held.year}/{held.month:02d}/",
        "past": f"/events/past/{held.year}/",
    }
    for name, url in pages.items():
        text = _visible_text(client.get(url).content.decode())
        assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}", text), name
    detail = _visible_text(client.get(pages["detail"]).content.decode())
    assert date_display(held) in detail
    assert date_display(held) in _visible_text(client.get(pages["past"]).content.decode())

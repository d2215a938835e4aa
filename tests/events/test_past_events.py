"""Past events, a year at a time: /events/past/ (the latest year) and /events/past/<yyyy>/."""

import pytest

from django.utils import timezone

from tests.events.factories import SHANGHAI, EventFactory, days_ahead, shanghai, staff_member
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _this_year() -> int:
    return timezone.now().astimezone(SHANGHAI).year


def _listed(html: str) -> str:
    """The list of events (not the year links or the filters)."""
    if 'class="event-list"' not in html:
        return ""
    return html.split('class="event-list"', 1)[1].split('id="subscribe"', 1)[0]


def _years(html: str) -> str:
    return html.split('class="events-years"', 1)[1].split("</nav>", 1)[0]


@pytest.fixture
def calendar():
    year = _this_year()
    own = OrganisationFactory()
    return {
        "year": year,
        "own": own,
        "last_year": EventFactory(title="去年的联席会议", starts_at=shanghai(year - 1, 6, 9, 9, 30)),
        "older": EventFactory(
            title="三年前的研讨会", event_type="symposium", starts_at=shanghai(year - 3, 3, 1, 9)
        ),
        "older_forum": EventFactory(
            title="三年前的论坛", event_type="forum", starts_at=shanghai(year - 3, 11, 20, 14)
        ),
        # Across New Year: one occurrence in each year.
        "series": EventFactory(
            title="跨年例会", starts_at=shanghai(year - 6, 12, 30, 9), frequency="WEEKLY", count=2
        ),
        "partners": EventFactory(
            title="协作单位的往期咨询会",
            access_level="partners",
            origin_organisation=own,
            starts_at=shanghai(year - 4, 5, 5, 9),
        ),
        "upcoming": EventFactory(title="即将召开的联席会议", starts_at=days_ahead(40)),
    }


def test_the_latest_year_is_shown_with_links_to_the_others(client, calendar):
    year = calendar["year"]
    response = client.get("/events/past/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = _listed(html)
    assert "去年的联席会议" in listed
    assert "三年前的研讨会" not in listed and "即将召开的联席会议" not in listed
    assert f"{year - 1}年的往期活动" in html
    years = _years(html)
    for other in (year - 1, year - 3, year - 5, year - 6):
        assert f'href="/events/past/{other}/"' in years
    # No link to a year without any past event this reader may see.
    assert f"/events/past/{year - 2}/" not in years and f"/events/past/{year - 4}/" not in years
    assert f'href="/events/past/{year - 1}/" aria-current="page"' in years
    assert years.index(f"/events/past/{year - 1}/") < years.index(f"/events/past/{year - 3}/")


def test_a_year_lists_its_events_latest_first(client, calendar):
    year = calendar["year"]
    listed = _listed(client.get(f"/events/past/{year - 3}/").content.decode())
    assert "去年的联席会议" not in listed
    assert listed.index("三年前的论坛") < listed.index("三年前的研讨会")
    assert "跨年例会" in _listed(client.get(f"/events/past/{year - 6}/").content.decode())
    assert "跨年例会" in _listed(client.get(f"/events/past/{year - 5}/").content.decode())
    assert f"{year - 5}年1月6日 09:00" in client.get(f"/events/past/{year - 5}/").content.decode()


def test_a_year_without_events_says_so_and_links_to_the_others(client, calendar):
    year = calendar["year"]
    response = client.get(f"/events/past/{year - 2}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{year - 2}年没有符合条件的往期活动。" in html
    assert f'href="/events/past/{year - 1}/"' in _years(html)
    assert client.get(f"/events/past/{year + 1}/").status_code == 404
    assert client.get("/events/past/1999/").status_code == 404
    assert client.get("/events/past/0000/").status_code == 404


def test_filters_narrow_the_years_and_follow_their_links(client, calendar):
    year = calendar["year"]
    html = client.get("/events/past/?type=forum").content.decode()
    assert "三年前的论坛" in _listed(html) and "三年前的研讨会" not in _listed(html)
    years = _years(html)
    assert f'href="/events/past/{year - 3}/?type=forum"' in years
    assert f"/events/past/{year - 1}/" not in years


def test_years_and_events_follow_the_access_rule(client, calendar):
    year = calendar["year"]
    assert "协作单位的往期咨询会" not in client.get(f"/events/past/{year - 4}/").content.decode()
    client.force_login(staff_member(OrganisationFactory(region="sichuan")))
    html = client.get("/events/past/").content.decode()
    assert f'href="/events/past/{year - 4}/"' in _years(html)
    assert "协作单位的往期咨询会" in _listed(client.get(f"/events/past/{year - 4}/").content.decode())


def test_the_old_past_listing_moves_to_the_years(client, calendar):
    response = client.get("/events/?when=past&type=forum")
    assert response.status_code == 301
    assert response["Location"] == "/events/past/?type=forum"
    assert client.get("/events/?when=past")["Location"] == "/events/past/"
    upcoming = client.get("/events/").content.decode()
    assert 'href="/events/past/"' in upcoming

    english = client.get("/en/events/past/").content.decode()
    assert f"Past events in {calendar['year'] - 1}" in english

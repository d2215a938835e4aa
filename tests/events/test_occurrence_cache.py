"""The calendar's expanded occurrences come from the cache (real Redis), per kind of reader, until an
event changes; an event withdrawn or lowered is never shown from it."""

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.services import event_cancel
from tests.events.factories import EventFactory, days_ahead, staff_member
from tests.factories import OrganisationFactory
from tests.support.caching import use_redis_cache

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock]


@pytest.fixture(autouse=True)
def occurrence_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="occurrence-cache")
    settings.PORTAL_CONTENT_CACHE_SECONDS = 300


def _calendar(client) -> tuple[str, bool]:
    """The list of events, and whether a series was expanded for it (not read from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/events/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = html.split('id="subscribe"', 1)[0]
    return listed, any('"events_eventexception"' in q["sql"] for q in queries.captured_queries)


def _month(client, day) -> tuple[str, bool]:
    """The month view of ``day``'s month, and whether it was built for this request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/events/month/{day.year}/{day.month:02d}/")
    assert response.status_code == 200
    return response.content.decode(), any('"events_event"' in q["sql"] for q in queries.captured_queries)


def _reader(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_readers_of_one_organisation_share_the_cache_and_a_lowered_event_is_gone_at_once():
    chongqing = OrganisationFactory(region="chongqing")
    chengdu = OrganisationFactory(region="sichuan")
    EventFactory(title="每周协作例会", starts_at=days_ahead(1), frequency="WEEKLY", access_level="partners",
                 origin_organisation=chongqing)  # fmt: skip
    host, first, second = staff_member(chongqing), staff_member(chengdu), staff_member(chengdu)
    series = Event.objects.get(title="每周协作例会")

    # The site's first page records its identity, a reader's first calendar its feed token (content writes).
    for reader in (None, host, first, second):
        _calendar(_reader(reader))
    listed, expanded = _calendar(_reader(first))
    assert "每周协作例会" in listed and expanded
    # Another member of the same organisation is served the same expansion.
    listed, expanded = _calendar(_reader(second))
    assert "每周协作例会" in listed and not expanded
    listed, expanded = _calendar(_reader(host))
    assert "每周协作例会" in listed and expanded  # another organisation: its own entry
    html, built = _month(_reader(first), series.starts_at)
    assert "每周协作例会" in html and built
    html, built = _month(_reader(second), series.starts_at)
    assert "每周协作例会" in html and not built

    # Lowered to the host's own staff: gone for Chengdu's readers at once, still there for the host.
    series.access_level = "internal"
    series.save()
    for reader in (first, second):
        listed, _ = _calendar(_reader(reader))
        assert "每周协作例会" not in listed
        assert "每周协作例会" not in _month(_reader(reader), series.starts_at)[0]
    assert "每周协作例会" in _calendar(_reader(host))[0]
    assert "每周协作例会" in _month(_reader(host), series.starts_at)[0]

    # A new event and a cancelled one show on the next request.
    EventFactory(title="新增的联席会议", starts_at=days_ahead(3), access_level="partners",
                 origin_organisation=chongqing)  # fmt: skip
    listed, expanded = _calendar(_reader(first))
    assert "新增的联席会议" in listed and "已取消" not in listed and expanded
    event_cancel(event=Event.objects.get(title="新增的联席会议"))
    assert "已取消" in _calendar(_reader(first))[0]

    # Deleted: gone.
    Event.objects.get(title="新增的联席会议").delete()
    assert "新增的联席会议" not in _calendar(_reader(second))[0]


def test_a_reader_of_another_kind_is_never_served_anothers_calendar():
    chengdu = OrganisationFactory(region="sichuan")
    EventFactory(title="成都内部工作会", starts_at=days_ahead(2), access_level="internal",
                 origin_organisation=chengdu)  # fmt: skip
    EventFactory(title="公开报告会", starts_at=days_ahead(4))
    member, outsider = staff_member(chengdu), staff_member(OrganisationFactory(region="chongqing"))

    _calendar(_reader())
    listed, _ = _calendar(_reader())
    assert "公开报告会" in listed and "成都内部工作会" not in listed
    for reader in (member, outsider):  # their feed tokens (content writes)
        _calendar(_reader(reader))
    listed, _ = _calendar(_reader())
    # The public's cached calendar lacks the internal meeting; the member's is its own.
    listed, expanded = _calendar(_reader(member))
    assert "公开报告会" in listed and "成都内部工作会" in listed and expanded
    listed, _ = _calendar(_reader(outsider))
    assert "公开报告会" in listed and "成都内部工作会" not in listed


def test_an_event_lowered_behind_the_caches_back_is_still_not_shown():
    chengdu = OrganisationFactory(region="sichuan")
    event = EventFactory(title="面向两地的研讨会", starts_at=days_ahead(5), access_level="partners",
                         origin_organisation=OrganisationFactory(region="chongqing"))  # fmt: skip
    reader = staff_member(chengdu)

    _calendar(_reader())
    _calendar(_reader(reader))
    assert "面向两地的研讨会" in _calendar(_reader(reader))[0]
    # An update sends no signal, so the content generation stays and the expansion is served from the
    # cache; the events themselves are read under the access rule on every request.
    Event.objects.filter(pk=event.pk).update(access_level="internal")
    listed, expanded = _calendar(_reader(reader))
    assert not expanded and "面向两地的研讨会" not in listed


def test_a_past_year_read_again_a_moment_later_comes_from_the_cache(fixed_clock):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from events.selectors import past_occurrences_in_year

    # Last year, from a series begun more than a year ago: it holds occurrences on any day the suite runs
    # (this year may have none yet on New Year's morning).
    EventFactory(title="每月党史讲座", starts_at=days_ahead(-400), frequency="MONTHLY", access_level="public")
    year = timezone.localtime(timezone.now()).year - 1

    def expanded() -> tuple[list[str], bool]:
        with CaptureQueriesContext(connection) as queries:
            found = past_occurrences_in_year(user=AnonymousUser(), year=year, now=timezone.now())
        return [o.starts_at.isoformat() for o in found], any(
            '"events_eventexception"' in q["sql"] for q in queries.captured_queries
        )

    first, built = expanded()
    assert first and built
    fixed_clock.shift(90)  # the next request, a moment later, cuts the same cached year at its own instant
    again, built_again = expanded()
    assert again == first and not built_again

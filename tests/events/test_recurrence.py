from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError

from events.recurrence import event_occurrences
from events.services import event_exception_set
from tests.events.factories import EventFactory, quarterly_meeting, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

YEAR_2030 = {"start": shanghai(2030, 1, 1), "end": shanghai(2031, 1, 1)}


def test_quarterly_meeting_with_a_cancelled_and_a_moved_occurrence():
    event = quarterly_meeting()
    version = event.version
    event_exception_set(
        event=event, original_date=shanghai(2030, 4, 15).date(), kind="cancelled", note="春节调整"
    )
    event_exception_set(
        event=event,
        original_date=shanghai(2030, 7, 15).date(),
        kind="moved",
        new_starts_at=shanghai(2030, 7, 22, 10, 0),
        new_ends_at=shanghai(2030, 7, 22, 12, 0),
    )

    occurrences = event_occurrences(event, **YEAR_2030)

    assert [(o.local_start.strftime("%m-%d %H:%M"), o.cancelled, o.moved) for o in occurrences] == [
        ("01-15 09:00", False, False),
        ("04-15 09:00", True, False),
        ("07-22 10:00", False, True),
        ("10-15 09:00", False, False),
    ]
    assert occurrences[1].note == "春节调整"
    assert occurrences[2].original_start == shanghai(2030, 7, 15, 9, 0)
    assert occurrences[2].local_end == shanghai(2030, 7, 22, 12, 0)
    # Calendar clients take each change as an update.
    event.refresh_from_db()
    assert event.version == version + 2


def test_moving_an_occurrence_twice_keeps_one_exception():
    event = quarterly_meeting()
    for day in (20, 21):
        event_exception_set(
            event=event,
            original_date=shanghai(2030, 10, 15).date(),
            kind="moved",
            new_starts_at=shanghai(2030, 10, day, 9, 0),
            new_ends_at=shanghai(2030, 10, day, 11, 0),
        )
    assert event.exceptions.count() == 1
    moved = [o for o in event_occurrences(event, **YEAR_2030) if o.moved]
    assert [o.local_start.day for o in moved] == [21]


def test_weekly_until_is_inclusive_and_yearly_count_stops():
    weekly = EventFactory(
        starts_at=shanghai(2030, 1, 1, 14, 0),
        ends_at=shanghai(2030, 1, 1, 15, 0),
        frequency="WEEKLY",
        until=shanghai(2030, 2, 5).date(),
    )
    yearly = EventFactory(
        starts_at=shanghai(2030, 5, 19, 9, 0),
        ends_at=shanghai(2030, 5, 19, 12, 0),
        frequency="YEARLY",
        count=3,
    )
    wide = {"start": shanghai(2029, 1, 1), "end": shanghai(2040, 1, 1)}
    assert [o.local_start.date().isoformat() for o in event_occurrences(weekly, **wide)] == [
        "2030-01-01",
        "2030-01-08",
        "2030-01-15",
        "2030-01-22",
        "2030-01-29",
        "2030-02-05",
    ]
    assert [o.local_start.year for o in event_occurrences(yearly, **wide)] == [2030, 2031, 2032]


def test_an_open_ended_series_is_expanded_only_inside_the_window():
    event = EventFactory(
        starts_at=shanghai(2020, 8, 18, 9, 30),
        ends_at=shanghai(2020, 8, 18, 11, 30),
        frequency="MONTHLY",
        interval=3,
    )
    occurrences = event_occurrences(event, start=shanghai(2030, 1, 1), end=shanghai(2030, 12, 31))
    assert [o.local_start.date().isoformat() for o in occurrences] == [
        "2030-02-18",
        "2030-05-18",
        "2030-08-18",
        "2030-11-18",
    ]
    assert all(o.local_start.hour == 9 and o.local_start.minute == 30 for o in occurrences)


def test_an_exception_must_name_a_real_occurrence():
    event = quarterly_meeting()
    with pytest.raises(ValidationError):
        event_exception_set(event=event, original_date=shanghai(2030, 2, 15).date(), kind="cancelled")
    with pytest.raises(ValidationError):
        event_exception_set(event=event, original_date=shanghai(2030, 4, 15).date(), kind="moved")
    assert event.exceptions.count() == 0


def test_a_cancelled_series_marks_every_occurrence_cancelled():
    from events.services import event_cancel

    event = event_cancel(event=quarterly_meeting())
    assert all(o.cancelled for o in event_occurrences(event, **YEAR_2030))


def test_a_window_is_expanded_from_itself_not_from_the_first_date_of_the_series():
    from events.recurrence import window_rule

    weekly = EventFactory(
        starts_at=shanghai(2000, 1, 3, 9, 0),
        ends_at=shanghai(2000, 1, 3, 10, 0),
        frequency="WEEKLY",
        count=2000,
    )
    event_exception_set(event=weekly, original_date=shanghai(2030, 6, 3).date(), kind="cancelled")
    event_exception_set(
        event=weekly,
        original_date=shanghai(2030, 6, 10).date(),
        kind="moved",
        new_starts_at=shanghai(2030, 6, 12, 14, 0),
        new_ends_at=shanghai(2030, 6, 12, 15, 0),
    )

    june = {"start": shanghai(2030, 6, 1), "end": shanghai(2030, 7, 1)}
    rule = window_rule(weekly, june["start"])
    assert shanghai(2030, 5, 20) < rule._dtstart <= june["start"]
    occurrences = event_occurrences(weekly, **june)
    assert [(o.local_start.isoformat(), o.cancelled, o.moved) for o in occurrences] == [
        ("2030-06-03T09:00:00+08:00", True, False),
        ("2030-06-12T14:00:00+08:00", False, True),
        ("2030-06-17T09:00:00+08:00", False, False),
        ("2030-06-24T09:00:00+08:00", False, False),
    ]
    # COUNT still ends the series where it did: the 2000th Monday from 3 January 2000.
    last = shanghai(2000, 1, 3, 9, 0) + timedelta(weeks=1999)
    assert [
        o.starts_at
        for o in event_occurrences(weekly, start=last - timedelta(days=20), end=last + timedelta(days=30))
    ][-1] == last


def test_a_monthly_series_on_the_31st_still_skips_short_months_in_a_late_window():
    monthly = EventFactory(
        starts_at=shanghai(2020, 1, 31, 9, 0), ends_at=shanghai(2020, 1, 31, 10, 0), frequency="MONTHLY"
    )
    occurrences = event_occurrences(monthly, start=shanghai(2030, 1, 1), end=shanghai(2030, 6, 1))
    assert [o.local_start.date().isoformat() for o in occurrences] == [
        "2030-01-31",
        "2030-03-31",
        "2030-05-31",
    ]


def test_a_window_loads_only_the_events_that_can_fall_in_it():
    from events.models import Event
    from events.selectors import events_in_window

    june = {"start": shanghai(2030, 6, 1), "end": shanghai(2030, 7, 1)}
    ended = EventFactory(
        starts_at=shanghai(2029, 1, 7, 9, 0), frequency="WEEKLY", until=shanghai(2029, 12, 1).date()
    )
    finished = EventFactory(starts_at=shanghai(2030, 5, 2, 9, 0))
    later = EventFactory(starts_at=shanghai(2030, 8, 1, 9, 0))
    running = EventFactory(starts_at=shanghai(2029, 1, 7, 9, 0), frequency="WEEKLY")
    one_off = EventFactory(starts_at=shanghai(2030, 6, 20, 9, 0))
    # A series that ended (and one starting later) still shows an occurrence moved into the window.
    moved_back = EventFactory(starts_at=shanghai(2030, 8, 5, 9, 0), frequency="MONTHLY", count=3)
    event_exception_set(
        event=moved_back,
        original_date=shanghai(2030, 8, 5).date(),
        kind="moved",
        new_starts_at=shanghai(2030, 6, 28, 9, 0),
        new_ends_at=shanghai(2030, 6, 28, 11, 0),
    )

    loaded = set(events_in_window(Event.objects.all(), **june))
    assert loaded == {running, one_off, moved_back}
    assert not {ended, finished, later} & loaded
    assert [o.local_start.date().isoformat() for o in event_occurrences(moved_back, **june)] == ["2030-06-28"]

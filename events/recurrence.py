"""Expanding an event's RRULE subset (FREQ, INTERVAL, COUNT/UNTIL) into occurrences.

Recurrences are expanded in Asia/Shanghai wall-clock time, so a meeting held
"every quarter at 09:00" stays at 09:00 whatever the stored UTC offset.
"""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import rrule
from dateutil.relativedelta import relativedelta

from .models import EVENT_TIME_ZONE, Event, EventException

FREQUENCIES = {"WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY, "YEARLY": rrule.YEARLY}


@dataclass(frozen=True)
class Occurrence:
    event: Event
    original_start: datetime
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False
    moved: bool = False
    note: str = ""

    @property
    def original_date(self) -> date:
        return self.original_start.astimezone(EVENT_TIME_ZONE).date()

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(EVENT_TIME_ZONE)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(EVENT_TIME_ZONE)

    def local_dates(self) -> list[date]:
        """Every Asia/Shanghai calendar day the occurrence touches (for the month grid)."""
        first = self.local_start.date()
        # An event ending at midnight does not occupy the next day.
        last = (self.local_end - timedelta(microseconds=1)).date() if self.ends_at > self.starts_at else first
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def get_absolute_url(self) -> str:
        """The event's page showing this occurrence (a series names it by its original date)."""
        url = self.event.get_absolute_url()
        return f"{url}?on={self.original_date.isoformat()}" if self.event.is_recurring else url


def local_start(event: Event) -> datetime:
    return event.starts_at.astimezone(EVENT_TIME_ZONE)


def until_datetime(event: Event) -> datetime | None:
    if event.until is None:
        return None
    return datetime.combine(event.until, time(23, 59, 59), tzinfo=EVENT_TIME_ZONE)


def event_rule(event: Event) -> rrule.rrule | None:
    if not event.frequency:
        return None
    return rrule.rrule(
        FREQUENCIES[event.frequency],
        interval=max(event.interval or 1, 1),
        count=event.count or None,
        until=until_datetime(event),
        dtstart=local_start(event),
    )


def _steps_before(event: Event, first: datetime, moment: datetime) -> tuple[int, relativedelta]:
    """Whole recurrence steps from the first occurrence that all fall before ``moment``.

    Only where every step is an occurrence: weekly, monthly up to the 28th, yearly off 29 February
    (a rule on the 31st or on 29 February skips the periods lacking that day; those expand from the start).
    """
    interval = max(event.interval or 1, 1)
    if moment <= first:
        return 0, relativedelta()
    if event.frequency == "WEEKLY":
        return (moment - first).days // (7 * interval), relativedelta(weeks=interval)
    if event.frequency == "MONTHLY" and first.day <= 28:
        months = (moment.year - first.year) * 12 + moment.month - first.month
        step = relativedelta(months=interval)
    elif event.frequency == "YEARLY" and (first.month, first.day) != (2, 29):
        months = (moment.year - first.year) * 12
        step = relativedelta(years=interval)
    else:
        return 0, relativedelta()
    steps = max(months // (interval * (12 if event.frequency == "YEARLY" else 1)) - 1, 0)
    return steps, step


def window_rule(event: Event, start: datetime) -> rrule.rrule | None:
    """The event's rule restarted at its last occurrence before ``start``, not at the series' first date."""
    first = local_start(event)
    steps, step = _steps_before(event, first, start)
    if event.count:
        steps = min(steps, event.count - 1)
    if not event.frequency or steps <= 0:
        return event_rule(event)
    return rrule.rrule(
        FREQUENCIES[event.frequency],
        interval=max(event.interval or 1, 1),
        count=event.count - steps if event.count else None,
        until=until_datetime(event),
        dtstart=first + step * steps,
    )


def original_start_on(event: Event, day: date) -> datetime | None:
    """The start of the occurrence originally scheduled on this Asia/Shanghai day, if any."""
    if not event.frequency:
        start = local_start(event)
        return start if start.date() == day else None
    day_start = datetime.combine(day, time.min, tzinfo=EVENT_TIME_ZONE)
    rule = window_rule(event, day_start)
    found = rule.between(day_start, day_start + timedelta(days=1), inc=True)
    return found[0] if found else None


def _exceptions(event: Event) -> dict[date, EventException]:
    return {exception.original_date: exception for exception in event.exceptions.all()}


def overlaps(starts: datetime, ends: datetime, start: datetime, end: datetime) -> bool:
    return starts < end and (ends > start or starts >= start)


def event_occurrences(event: Event, *, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences overlapping [start, end), cancelled ones included and marked."""
    duration = event.ends_at - event.starts_at
    whole_cancelled = event.is_cancelled
    if not event.frequency:
        if overlaps(event.starts_at, event.ends_at, start, end):
            return [
                Occurrence(
                    event=event,
                    original_start=local_start(event),
                    starts_at=local_start(event),
                    ends_at=event.ends_at.astimezone(EVENT_TIME_ZONE),
                    cancelled=whole_cancelled,
                )
            ]
        return []

    exceptions = _exceptions(event)
    found: list[Occurrence] = []
    # Widen by the duration so an occurrence that began before `start` but is still running counts.
    rule = window_rule(event, start - duration)
    for original in rule.between(start - duration, end, inc=True):
        if not overlaps(original, original + duration, start, end):
            continue
        exception = exceptions.get(original.date())
        if exception is not None and exception.kind == EventException.Kind.MOVED:
            continue
        found.append(
            Occurrence(
                event=event,
                original_start=original,
                starts_at=original,
                ends_at=original + duration,
                cancelled=whole_cancelled or exception is not None,
                note=exception.note if exception is not None else "",
            )
        )
    for exception in exceptions.values():
        if exception.kind != EventException.Kind.MOVED or not exception.new_starts_at:
            continue
        new_start = exception.new_starts_at.astimezone(EVENT_TIME_ZONE)
        new_end = (exception.new_ends_at or exception.new_starts_at + duration).astimezone(EVENT_TIME_ZONE)
        if not overlaps(new_start, new_end, start, end):
            continue
        original = original_start_on(event, exception.original_date)
        if original is None:
            continue
        found.append(
            Occurrence(
                event=event,
                original_start=original,
                starts_at=new_start,
                ends_at=new_end,
                cancelled=whole_cancelled,
                moved=True,
                note=exception.note,
            )
        )
    return sorted(found, key=lambda o: o.starts_at)


def occurrence_for(event: Event, original_date: date) -> Occurrence | None:
    """The occurrence originally scheduled on this Asia/Shanghai day, as it now stands."""
    original = original_start_on(event, original_date)
    if original is None:
        return None
    duration = event.ends_at - event.starts_at
    exception = _exceptions(event).get(original_date) if event.is_recurring else None
    if exception is not None and exception.kind == EventException.Kind.MOVED and exception.new_starts_at:
        new_end = exception.new_ends_at or exception.new_starts_at + duration
        return Occurrence(
            event=event,
            original_start=original,
            starts_at=exception.new_starts_at.astimezone(EVENT_TIME_ZONE),
            ends_at=new_end.astimezone(EVENT_TIME_ZONE),
            cancelled=event.is_cancelled,
            moved=True,
            note=exception.note,
        )
    return Occurrence(
        event=event,
        original_start=original,
        starts_at=original,
        ends_at=original + duration,
        cancelled=event.is_cancelled or exception is not None,
        note=exception.note if exception is not None else "",
    )


def next_occurrence(event: Event, *, now: datetime) -> Occurrence | None:
    """The next occurrence not yet over and not cancelled (what staff answer for)."""
    if not event.is_recurring:
        occurrence = occurrence_for(event, local_start(event).date())
        return occurrence if occurrence and not occurrence.cancelled and occurrence.ends_at > now else None
    upcoming = event_occurrences(event, start=now, end=now + timedelta(days=3 * 366))
    return next((o for o in upcoming if not o.cancelled and o.ends_at > now), None)


def occurrence_chosen(event: Event, *, on: str | None, now: datetime) -> Occurrence:
    """The occurrence a page shows: the one originally on ``on`` (YYYY-MM-DD) if the series has one,
    else the next one still to come, else the latest that was held, else the first."""
    if not event.is_recurring:
        return occurrence_for(event, local_start(event).date())
    day = None
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(on or "")
    # Far-off years would overflow the day arithmetic; no series reaches them.
    if day is not None and 1900 <= day.year <= 2100:
        chosen = occurrence_for(event, day)
        if chosen is not None:
            return chosen
    upcoming = next_occurrence(event, now=now)
    if upcoming is not None:
        return upcoming
    held = event_occurrences(event, start=now - timedelta(days=3 * 366), end=now)
    return held[-1] if held else occurrence_for(event, local_start(event).date())


def occurrences_between(events, *, start: datetime, end: datetime) -> list[Occurrence]:
    found = [o for event in events for o in event_occurrences(event, start=start, end=end)]
    return sorted(found, key=lambda o: (o.starts_at, o.event.title))

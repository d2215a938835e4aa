"""Reads for the joint-meetings calendar. Every list goes through portal.access."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.access import visible_to
from portal.page_cache import reader_kind_cached
from portal.records.filters import RecordFilters
from portal.selectors import staff_organisation

from .models import EVENT_TIME_ZONE, RSVP, CalendarToken, Event, EventException
from .recurrence import Occurrence, event_occurrences, occurrences_between, overlaps

# What the cache keeps of an occurrence: event id, original start, starts at, ends at, cancelled, moved, note.
OccurrenceRow = tuple[int, datetime, datetime, datetime, bool, bool, str]


def event_queryset(*, user) -> QuerySet[Event]:
    """The events this reader may see (anonymous: public only)."""
    events = Event.objects.select_related("origin_organisation").prefetch_related("co_hosts", "exceptions")
    return visible_to(user, events)


def event_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Event]:
    """The events this reader may see, narrowed by the calendar's filters (events.filters)."""
    events = event_queryset(user=user)
    return filters.apply(events) if filters is not None else events


def occurrence_list(
    *, user, start: datetime, end: datetime, filters: RecordFilters | None = None
) -> list[Occurrence]:
    """The occurrences overlapping [start, end) of the events this reader may see, in order."""
    rows = _occurrence_rows(user=user, start=start, end=end, filters=filters)
    return occurrences_from_rows(user=user, rows=rows)


def _occurrence_rows(
    *, user, start: datetime, end: datetime, filters: RecordFilters | None
) -> list[OccurrenceRow]:
    """The window's expansion, kept per kind of reader (portal.access), filters and window until content
    changes (portal.page_cache): expanding every series is what a calendar page spends its time on."""

    def build() -> list[OccurrenceRow]:
        events = visible_to(user, Event.objects.prefetch_related("exceptions"))
        if filters is not None:
            events = filters.apply(events)
        found = occurrences_between(events_in_window(events, start=start, end=end), start=start, end=end)
        return [
            (o.event.pk, o.original_start, o.starts_at, o.ends_at, o.cancelled, o.moved, o.note)
            for o in found
        ]

    applied = filters.applied_key() if filters is not None else ""
    key = f"{applied}:{start.isoformat()}:{end.isoformat()}"
    return reader_kind_cached(
        "events-occurrences", key, build, user=user, timeout=settings.PORTAL_CONTENT_CACHE_SECONDS
    )


def occurrences_from_rows(*, user, rows: list[OccurrenceRow]) -> list[Occurrence]:
    # The events are read again under the access rule, so a cached row never shows one this reader
    # may no longer see.
    events = visible_to(user, Event.objects.select_related("origin_organisation")).in_bulk(
        {row[0] for row in rows}
    )
    return [
        Occurrence(events[pk], original, starts, ends, cancelled, moved, note)
        for pk, original, starts, ends, cancelled, moved, note in rows
        if pk in events
    ]


def events_in_window(events: QuerySet[Event], *, start: datetime, end: datetime) -> QuerySet[Event]:
    """Only the events that can have an occurrence in [start, end): begun before its end and not over
    before its start (a series by its UNTIL date), or with an occurrence moved into it."""
    moved_in = EventException.objects.filter(
        event=OuterRef("pk"), kind=EventException.Kind.MOVED, new_starts_at__lt=end
    ).filter(Q(new_ends_at__isnull=True) | Q(new_ends_at__gt=start) | Q(new_starts_at__gte=start))
    over = Q(frequency="", ends_at__lt=start) | Q(
        until__lt=start.astimezone(EVENT_TIME_ZONE).date() - timedelta(days=1)
    )
    return events.filter((Q(starts_at__lt=end) & ~over) | Exists(moved_in))


def occurrence_rows_first(
    *, user, start: datetime, end: datetime, limit: int, filters: RecordFilters | None = None
) -> list[OccurrenceRow]:
    """The first ``limit`` occurrences overlapping [start, end), expanded a widening window at a time,
    so a list of 100 does not expand years of weekly meetings.

    The windows begin at midnight (Asia/Shanghai), not at ``start``, so every request of the day shares
    their cached expansion; what ended before ``start`` is left out afterwards."""
    found: list[OccurrenceRow] = []
    seen: set[OccurrenceRow] = set()
    span = timedelta(days=31)
    edge = datetime.combine(start.astimezone(EVENT_TIME_ZONE).date(), time.min, tzinfo=EVENT_TIME_ZONE)
    while edge < end and len(found) < limit:
        for row in _occurrence_rows(user=user, start=edge, end=edge + span, filters=filters):
            # An occurrence running across a window's edge is in both windows.
            if row not in seen and overlaps(row[2], row[3], start, end):
                seen.add(row)
                found.append(row)
        edge += span
        span *= 2
    # Checked again under the access rule, so a cached row never names an event this reader may not see.
    events = visible_to(user, Event.objects.filter(pk__in={row[0] for row in found}))
    visible = set(events.values_list("pk", flat=True))
    return [row for row in found if row[0] in visible][:limit]


def occurrences_first(
    *, user, start: datetime, end: datetime, limit: int, filters: RecordFilters | None = None
) -> list[Occurrence]:
    rows = occurrence_rows_first(user=user, start=start, end=end, limit=limit, filters=filters)
    return occurrences_from_rows(user=user, rows=rows)


def occurrences_upcoming(*, user, limit: int, filters: RecordFilters | None = None) -> list[Occurrence]:
    """The next ``limit`` occurrences within a year that this reader may see, the cancelled ones left
    out (a panel lists what will take place), for the home page and an organisation's page."""
    now = timezone.now()
    year = now + timedelta(days=366)
    found = occurrences_first(user=user, start=now, end=year, limit=limit, filters=filters)
    return [occurrence for occurrence in found if not occurrence.cancelled]


def _year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=EVENT_TIME_ZONE)


def past_occurrence_years(
    *, user, now: datetime, since: datetime, filters: RecordFilters | None = None
) -> list[int]:
    """The years (Asia/Shanghai) with an occurrence this reader may see begun before ``now``, latest first."""
    events = events_in_window(event_list(user=user, filters=filters), start=since, end=now)
    years = {
        occurrence.local_start.year
        for event in events
        for occurrence in event_occurrences(event, start=since, end=now)
        if since <= occurrence.starts_at < now
    }
    return sorted(years, reverse=True)


def past_occurrences_in_year(
    *, user, year: int, now: datetime, filters: RecordFilters | None = None
) -> list[Occurrence]:
    """The occurrences begun in ``year`` before ``now``, latest first.

    One running across New Year is listed in the year it began."""
    start, year_end = _year_start(year), _year_start(year + 1)
    if now <= start:
        return []
    # The whole year is expanded (and cached under its own bounds), then cut at ``now``: a window
    # ending at the request's instant would be a new cache entry on every request.
    end = min(year_end, now)
    found = occurrence_list(user=user, start=start, end=year_end, filters=filters)
    return [o for o in reversed(found) if start <= o.starts_at < end]


def occurrence_months_nearest(
    *, user, month_start: date, years: int = 10, filters: RecordFilters | None = None
) -> tuple[date | None, date | None]:
    """The closest months before and after ``month_start`` holding an occurrence this reader may see.

    Searched a year at a time, so an empty month costs a few windows, not the whole calendar.
    """
    month = datetime.combine(month_start, time.min, tzinfo=EVENT_TIME_ZONE)
    following = month + relativedelta(months=1)

    def first_month(occurrences, pick) -> date | None:
        if not occurrences:
            return None
        return pick(o.local_start for o in occurrences).date().replace(day=1)

    previous = next_ = None
    for step in range(years):
        if previous is None:
            window = occurrence_list(
                user=user,
                start=month - relativedelta(years=step + 1),
                end=month - relativedelta(years=step),
                filters=filters,
            )
            previous = first_month([o for o in window if o.local_start < month], max)
        if next_ is None:
            window = occurrence_list(
                user=user,
                start=following + relativedelta(years=step),
                end=following + relativedelta(years=step + 1),
                filters=filters,
            )
            next_ = first_month([o for o in window if o.local_start >= following], min)
        if previous is not None and next_ is not None:
            break
    return previous, next_


def event_for_reader(*, user, global_id) -> Event | None:
    return event_queryset(user=user).filter(global_id=global_id).first()


def rsvp_counts_visible(*, user, event: Event) -> bool:
    """Only the host organisation's staff (and superusers) see who is coming."""
    if getattr(user, "is_superuser", False):
        return True
    organisation = staff_organisation(user=user)
    return organisation is not None and organisation.pk == event.origin_organisation_id


def rsvp_counts(*, event: Event, occurrence_date: date) -> list[dict]:
    rows = (
        RSVP.objects.filter(event=event, occurrence_date=occurrence_date, state=RSVP.State.RECORDED)
        .values("organisation__name", "organisation__region")
        .annotate(
            yes=Count("pk", filter=Q(attending=True)),
            no=Count("pk", filter=Q(attending=False)),
        )
        .order_by("organisation__region", "organisation__name")
    )
    return [
        {
            "organisation": row["organisation__name"],
            "region": row["organisation__region"],
            "attending": row["yes"],
            "not_attending": row["no"],
        }
        for row in rows
    ]


def rsvp_for(*, event: Event, occurrence_date: date, user) -> RSVP | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return RSVP.objects.filter(event=event, occurrence_date=occurrence_date, user=user).first()


def calendar_token_user(*, token: str):
    link = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if link is None or staff_organisation(user=link.user) is None and not link.user.is_superuser:
        return None
    return link.user

"""Reads for the joint-meetings calendar. Every list goes through portal.access."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.access import visible_to
from portal.records.filters import RecordFilters
from portal.selectors import staff_organisation

from .models import EVENT_TIME_ZONE, RSVP, CalendarToken, Event, EventException
from .recurrence import Occurrence, event_occurrences, occurrences_between


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
    events = event_list(user=user, filters=filters)
    return occurrences_between(events_in_window(events, start=start, end=end), start=start, end=end)


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


def occurrences_first(
    *,
    user,
    start: datetime,
    end: datetime,
    limit: int,
    latest_first: bool = False,
    filters: RecordFilters | None = None,
) -> list[Occurrence]:
    """The first ``limit`` occurrences from ``start`` (or the last ones before ``end``), expanded a
    widening window at a time, so a list of 100 does not expand years of weekly meetings."""
    found: list[Occurrence] = []
    span = timedelta(days=31)
    edge = end if latest_first else start
    while (start < edge if latest_first else edge < end) and len(found) < limit:
        if latest_first:
            window_start, window_end = max(start, edge - span), edge
        else:
            window_start, window_end = edge, min(end, edge + span)
        window = occurrence_list(user=user, start=window_start, end=window_end, filters=filters)
        if latest_first:
            # An occurrence running across the window's edge was counted in the later window.
            found += [o for o in reversed(window) if o.starts_at >= window_start and o not in found]
            edge = window_start
        else:
            found += [o for o in window if o not in found]
            edge = window_end
        span *= 2
    return found[:limit]


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
    start, end = _year_start(year), min(_year_start(year + 1), now)
    if end <= start:
        return []
    found = occurrence_list(user=user, start=start, end=end, filters=filters)
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

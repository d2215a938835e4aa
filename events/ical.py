"""iCalendar (RFC 5545) feeds of events.

One VEVENT per event with a stable UID (the global id, the same on both
regions' sites) and SEQUENCE = version; a recurring event carries its RRULE,
EXDATE for cancelled occurrences and one RECURRENCE-ID override per moved
occurrence; a cancelled event stays in the feed with STATUS:CANCELLED so
subscribed calendars drop it.
"""

import re
from datetime import UTC
from html import unescape

import icalendar

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import EVENT_TIME_ZONE, EventException
from .recurrence import original_start_on, until_datetime


def _plain(html: str) -> str:
    """Rich text as plain lines: one per paragraph or list item."""
    text = unescape(strip_tags(re.sub(r"(?i)</(p|li|h[1-6])>|<br\s*/?>", "\n", html)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _description(event) -> str:
    parts = [event.summary]
    if event.participants:
        parts.append(_("参会人员：%(participants)s") % {"participants": event.participants})
    if event.agenda:
        parts.append(_("议程：\n%(agenda)s") % {"agenda": _plain(event.agenda)})
    if event.online_url:
        parts.append(_("线上参会：%(url)s") % {"url": event.online_url})
    return "\n\n".join(p for p in parts if p)


def _base_component(event, *, url: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.ical_uid)
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("created", event.created_at.astimezone(UTC))
    component.add("sequence", event.version)
    component.add("summary", event.title)
    component.add("categories", [event.get_event_type_display()])
    component.add("url", url)
    description = _description(event)
    if description:
        component.add("description", description)
    location = " · ".join(p for p in [event.city, event.venue] if p) or event.online_url
    if location:
        component.add("location", location)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def event_components(event, *, url: str) -> list[icalendar.Event]:
    main = _base_component(event, url=url)
    main.add("dtstart", event.starts_at.astimezone(EVENT_TIME_ZONE))
    main.add("dtend", event.ends_at.astimezone(EVENT_TIME_ZONE))
    components = [main]
    if not event.is_recurring:
        return components

    rule = {"freq": event.frequency, "interval": max(event.interval or 1, 1)}
    if event.count:
        rule["count"] = event.count
    elif event.until:
        # With a TZID DTSTART, UNTIL must be given in UTC (RFC 5545 §3.3.10).
        rule["until"] = until_datetime(event).astimezone(UTC)
    main.add("rrule", rule)

    exceptions = list(event.exceptions.all())
    cancelled = [
        original_start_on(event, e.original_date)
        for e in exceptions
        if e.kind == EventException.Kind.CANCELLED
    ]
    cancelled = sorted(start for start in cancelled if start is not None)
    if cancelled:
        main.add("exdate", cancelled)
    for exception in exceptions:
        if exception.kind != EventException.Kind.MOVED:
            continue
        original = original_start_on(event, exception.original_date)
        if original is None or exception.new_starts_at is None:
            continue
        new_end = exception.new_ends_at or exception.new_starts_at + (event.ends_at - event.starts_at)
        override = _base_component(event, url=url)
        override.add("recurrence-id", original)
        override.add("dtstart", exception.new_starts_at.astimezone(EVENT_TIME_ZONE))
        override.add("dtend", new_end.astimezone(EVENT_TIME_ZONE))
        if exception.note:
            description = "\n\n".join(p for p in [exception.note, str(override.get("description", ""))] if p)
            override.pop("description", None)
            override.add("description", description)
        components.append(override)
    return components


def calendar_build(*, events, name: str, url_for) -> bytes:
    """The feed for these events; url_for(event) gives the absolute address of its page."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//川渝党史协作平台//联席会议日历//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for event in events:
        for component in event_components(event, url=url_for(event)):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()

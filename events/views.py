import calendar
import hashlib
import json
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.page_cache import content_cached, reader_kind_cached
from portal.selectors import staff_organisation

from .filters import EventFilters
from .forms import RSVPForm
from .models import EVENT_TIME_ZONE
from .recurrence import event_occurrences, local_start, next_occurrence, occurrence_chosen, occurrence_for
from .selectors import (
    event_for_reader,
    occurrence_list,
    occurrence_months_nearest,
    occurrence_rows_first,
    occurrences_from_rows,
    past_occurrence_years,
    past_occurrences_in_year,
    rsvp_counts,
    rsvp_counts_visible,
    rsvp_for,
)
from .services import calendar_token_for, calendar_token_reset, rsvp_set

PAST_HORIZON = datetime(2000, 1, 1, tzinfo=EVENT_TIME_ZONE)
LIST_LIMIT = 100
PAST_OCCURRENCES_SHOWN = 12


def _is_staff_member(user) -> bool:
    return getattr(user, "is_superuser", False) or staff_organisation(user=user) is not None


def _filters(request) -> EventFilters:
    return EventFilters(request.GET or None, user=request.user)


def _query_string(filters: EventFilters) -> str:
    query = filters.query_string()
    return "?" + query if query else ""


def _subscribe_links(request, filters: EventFilters) -> list[dict]:
    """The public feed matching the current filter, and the feed of all public events."""
    links = []
    values = filters.values()
    if values.get("organisation"):
        url = reverse("events:feed_organisation", kwargs={"code": values["organisation"]})
        links.append({"label": _("订阅本单位的活动"), "url": url})
    elif values.get("type"):
        url = reverse("events:feed_type", kwargs={"event_type": values["type"]})
        links.append({"label": _("订阅此类型的活动"), "url": url})
    elif values.get("region"):
        url = reverse("events:feed_region", kwargs={"region": values["region"]})
        links.append({"label": _("订阅本地区的活动"), "url": url})
    links.append({"label": _("订阅全部公开活动"), "url": reverse("events:feed_public")})
    for link in links:
        absolute = request.build_absolute_uri(link["url"])
        link["absolute"] = absolute
        link["webcal"] = "webcal://" + absolute.split("://", 1)[1]
    return links


def _private_feed(request) -> str | None:
    if not _is_staff_member(request.user):
        return None
    token = calendar_token_for(user=request.user)
    return request.build_absolute_uri(reverse("events:feed_private", kwargs={"token": token.token}))


@require_GET
def event_list(request):
    if request.GET.get("when") == "past":
        # The old address of the past events, now listed a year at a time.
        query = request.GET.copy()
        query.pop("when")
        encoded = query.urlencode()
        return redirect(reverse("events:event_past") + (f"?{encoded}" if encoded else ""), permanent=True)
    filters = _filters(request)
    now = timezone.now()
    rows = occurrence_rows_first(
        user=request.user, start=now, end=now + timedelta(days=366), limit=LIST_LIMIT, filters=filters
    )

    def build() -> str:
        return _cards(occurrences_from_rows(user=request.user, rows=rows))

    # The cards depend only on which occurrences of which events they show (rows this reader may see)
    # and on the events' content, so any reader with the same rows is served the same HTML.
    key = f"events-cards:{get_language()}:{hashlib.sha256(repr(rows).encode()).hexdigest()}"
    cards = mark_safe(content_cached(key, build, timeout=settings.PORTAL_CONTENT_CACHE_SECONDS))
    return render(request, "events/event_list.html", _list_context(request, filters, now, rows, cards=cards))


def _cards(occurrences: list) -> str:
    return render_to_string("events/includes/occurrence_cards.html", {"occurrences": occurrences})


def _list_context(
    request, filters: EventFilters, now: datetime, occurrences: list, *, cards: str | None = None, **extra
) -> dict:
    today = timezone.localtime(now, EVENT_TIME_ZONE).date()
    return {
        "filter_bar": filters.bar(),
        "occurrences": occurrences,
        "cards": mark_safe(_cards(occurrences)) if cards is None else cards,
        "past": False,
        "query": _query_string(filters),
        "this_month": {"year": today.year, "month": today.month},
        "subscribe_links": _subscribe_links(request, filters),
        "private_feed": _private_feed(request),
        **extra,
    }


@require_GET
def event_past(request, year: int | None = None):
    """The events held, a year at a time; without a year, the latest year that has any."""
    filters = _filters(request)
    now = timezone.now()
    this_year = timezone.localtime(now, EVENT_TIME_ZONE).year
    if year is not None and not PAST_HORIZON.year <= year <= this_year:
        raise Http404
    years = past_occurrence_years(user=request.user, now=now, since=PAST_HORIZON, filters=filters)
    if year is None:
        year = years[0] if years else this_year
    occurrences = past_occurrences_in_year(user=request.user, year=year, now=now, filters=filters)
    return render(
        request,
        "events/event_list.html",
        _list_context(request, filters, now, occurrences, past=True, year=year, years=years),
    )


def _month_shift(year: int, month: int, delta: int) -> date:
    index = year * 12 + (month - 1) + delta
    return date(index // 12, index % 12 + 1, 1)


@require_GET
def event_month(request, year: int, month: int):
    if not 1900 <= year <= 2100:
        raise Http404
    filters = _filters(request)
    month_start = date(year, month, 1)
    return render(
        request,
        "events/event_month.html",
        {
            **_month_grid(request, filters, month_start),
            "filter_bar": filters.bar(),
            "month_start": month_start,
            "previous_month": _month_shift(year, month, -1),
            "next_month": _month_shift(year, month, 1),
            "query": _query_string(filters),
            "subscribe_links": _subscribe_links(request, filters),
            "private_feed": _private_feed(request),
        },
    )


def _month_grid(request, filters: EventFilters, month_start: date) -> dict:
    """The month's grid as HTML, whether it holds any event and else the nearest months that do: the same
    for every reader the access rule treats alike on one day, kept until content changes (rendering a busy
    month is what the page spends its time on)."""
    today = timezone.localtime(timezone.now(), EVENT_TIME_ZONE).date()

    def build() -> dict:
        year, month = month_start.year, month_start.month
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        start = datetime.combine(weeks[0][0], time.min, tzinfo=EVENT_TIME_ZONE)
        end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min, tzinfo=EVENT_TIME_ZONE)
        by_day: dict[date, list] = {}
        for occurrence in occurrence_list(user=request.user, start=start, end=end, filters=filters):
            for day in occurrence.local_dates():
                by_day.setdefault(day, []).append(occurrence)
        has_events = any(by_day.get(day) for week in weeks for day in week if day.month == month)
        nearest = (
            (None, None)
            if has_events
            else occurrence_months_nearest(user=request.user, month_start=month_start, filters=filters)
        )
        grid = [
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "today": day == today,
                    "occurrences": by_day.get(day, []),
                }
                for day in week
            ]
            for week in weeks
        ]
        weekdays = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
        html = render_to_string(
            "events/includes/month_grid.html",
            {"weeks": grid, "has_events": has_events, "month_start": month_start, "weekdays": weekdays},
        )
        previous, next_ = nearest
        return {"grid": html, "has_events": has_events, "nearest_previous": previous, "nearest_next": next_}

    key = f"{filters.applied_key()}:{month_start}:{today}:{get_language()}"
    found = reader_kind_cached(
        "events-month", key, build, user=request.user, timeout=settings.PORTAL_CONTENT_CACHE_SECONDS
    )
    return {**found, "grid": mark_safe(found["grid"])}


def _json_ld(request, event) -> str:
    url = request.build_absolute_uri(event.get_absolute_url())
    organisers = [event.origin_organisation, *event.co_hosts.all()]
    locations = []
    if event.venue or event.city:
        locations.append(
            {
                "@type": "Place",
                "name": event.venue or event.city,
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": event.city,
                    "addressCountry": "CN",
                },
            }
        )
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if event.online_url and locations[:-1]:
        mode = "MixedEventAttendanceMode"
    elif event.online_url:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "identifier": str(event.global_id),
        "url": url,
        "name": event.title,
        "description": event.summary,
        "startDate": event.starts_at.astimezone(EVENT_TIME_ZONE).isoformat(),
        "endDate": event.ends_at.astimezone(EVENT_TIME_ZONE).isoformat(),
        "eventStatus": "https://schema.org/" + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": "https://schema.org/" + mode,
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": [
            {"@type": "Organization", "name": o.name, **({"url": o.website} if o.website else {})}
            for o in organisers
        ],
        "inLanguage": "zh-CN",
    }
    if event.is_recurring:
        months = {"WEEKLY": "P{n}W", "MONTHLY": "P{n}M", "YEARLY": "P{n}Y"}[event.frequency]
        schedule = {
            "@type": "Schedule",
            "repeatFrequency": months.format(n=max(event.interval or 1, 1)),
            "startDate": event.starts_at.astimezone(EVENT_TIME_ZONE).date().isoformat(),
            "startTime": event.starts_at.astimezone(EVENT_TIME_ZONE).strftime("%H:%M:%S"),
            "endTime": event.ends_at.astimezone(EVENT_TIME_ZONE).strftime("%H:%M:%S"),
            "scheduleTimezone": "Asia/Shanghai",
        }
        if event.count:
            schedule["repeatCount"] = event.count
        if event.until:
            schedule["endDate"] = event.until.isoformat()
        data["eventSchedule"] = schedule
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Safe inside <script>: no closing tag or HTML comment can be formed.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_GET
def event_detail(request, global_id):
    event = event_for_reader(user=request.user, global_id=global_id)
    if event is None:
        raise Http404
    now = timezone.now()
    # A list links to one occurrence of a series (?on=its date); the page shows that one.
    shown = occurrence_chosen(event, on=request.GET.get("on"), now=now)
    occurrences = []
    if event.is_recurring:
        occurrences = event_occurrences(event, start=now - timedelta(days=366), end=now + timedelta(days=731))
    # Those held are listed apart, latest first and marked; an occurrence under way is still to come.
    held = [o for o in occurrences if o.ends_at <= now]
    is_staff_member = _is_staff_member(request.user)
    # Staff answer for the occurrence shown if it is still to come, else for the next one;
    # a past one-off event still shows its tally to the host.
    upcoming = next_occurrence(event, now=now)
    if shown is not None and not shown.cancelled and shown.ends_at > now:
        upcoming = shown
    tallied = upcoming or (None if event.is_recurring else occurrence_for(event, local_start(event).date()))
    show_counts = tallied is not None and rsvp_counts_visible(user=request.user, event=event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "breadcrumb_title": event.title,
            "shown": shown,
            "co_hosts": list(event.co_hosts.all()),
            "upcoming_occurrences": [o for o in occurrences if o.ends_at > now],
            "past_occurrences": held[::-1][:PAST_OCCURRENCES_SHOWN],
            "now": now,
            "material_links": list(event.material_links.all()),
            "action_items": list(event.action_items.select_related("owner_organisation", "owner_user"))
            if is_staff_member
            else [],
            "can_rsvp": staff_organisation(user=request.user) is not None,
            "rsvp_occurrence": upcoming,
            "rsvp": rsvp_for(event=event, occurrence_date=upcoming.original_date, user=request.user)
            if upcoming
            else None,
            "tallied_occurrence": tallied,
            "rsvp_counts": rsvp_counts(event=event, occurrence_date=tallied.original_date)
            if show_counts
            else None,
            "json_ld": _json_ld(request, event),
            "feed_url": reverse("events:feed_public") if event.access_level == "public" else None,
        },
    )


@require_POST
def event_rsvp(request, global_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    event = event_for_reader(user=request.user, global_id=global_id)
    if event is None:
        raise Http404
    form = RSVPForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        rsvp_set(
            event=event,
            user=request.user,
            attending=form.cleaned_data["attending"],
            occurrence_date=form.cleaned_data["occurrence"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    occurrence = form.cleaned_data["occurrence"]
    query = f"?on={occurrence.isoformat()}" if occurrence and event.is_recurring else ""
    return redirect(event.get_absolute_url() + query + "#rsvp")


@require_POST
def private_feed_reset(request):
    if not _is_staff_member(request.user):
        return redirect_to_login(reverse("events:event_list"), reverse("wagtailadmin_login"))
    calendar_token_reset(user=request.user)
    return redirect(reverse("events:event_list") + "#subscribe")

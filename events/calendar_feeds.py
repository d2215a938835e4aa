"""The calendar feeds (.ics): one event, the public calendars and a staff member's private one."""

import hashlib

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from portal.models import Organisation, Region

from .filters import EventFilters
from .ical import calendar_build
from .models import EventType
from .recurrence import local_start
from .selectors import calendar_token_user, event_for_reader, event_queryset
from .selectors import event_list as events_filtered


def _feed_response(
    request, events, *, name: str, filename: str, private: bool = False, disposition: str = "inline"
) -> HttpResponse:
    body = calendar_build(
        events=events, name=name, url_for=lambda e: request.build_absolute_uri(e.get_absolute_url())
    )
    # Calendar apps poll feeds; an unchanged feed costs them a 304.
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return get_conditional_response(request, etag=etag, response=response)


@require_GET
def event_ical(request, global_id):
    """One event (with its whole series) as an .ics file, for readers who may see its page."""
    event = event_for_reader(user=request.user, global_id=global_id)
    if event is None:
        raise Http404
    response = _feed_response(
        request,
        [event],
        name=event.title,
        filename=f"event-{local_start(event):%Y%m%d}.ics",
        private=event.access_level != "public",
        disposition="attachment",
    )
    if event.access_level == "public":
        patch_cache_control(response, public=True, max_age=300)
    return response


def _public_events(**values):
    # Feeds are fetched by calendar apps without a session: public events only.
    filters = EventFilters(values, user=AnonymousUser()) if values else None
    return events_filtered(user=AnonymousUser(), filters=filters).order_by("starts_at")


@require_GET
@cache_control(public=True, max_age=300)
def feed_public(request):
    return _feed_response(request, _public_events(), name=_("川渝党史联席会议日历"), filename="calendar.ics")


@require_GET
@cache_control(public=True, max_age=300)
def feed_region(request, region: str):
    if region not in Region.values:
        raise Http404
    name = _("川渝党史联席会议日历 · %(region)s") % {"region": Region(region).label}
    return _feed_response(request, _public_events(region=region), name=name, filename=f"{region}.ics")


@require_GET
@cache_control(public=True, max_age=300)
def feed_type(request, event_type: str):
    if event_type not in EventType.values:
        raise Http404
    name = _("川渝党史联席会议日历 · %(type)s") % {"type": EventType(event_type).label}
    return _feed_response(request, _public_events(type=event_type), name=name, filename=f"{event_type}.ics")


@require_GET
@cache_control(public=True, max_age=300)
def feed_organisation(request, code: str):
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise Http404
    name = _("川渝党史联席会议日历 · %(organisation)s") % {"organisation": organisation.name}
    return _feed_response(request, _public_events(organisation=code), name=name, filename=f"{code}.ics")


@require_GET
def feed_private(request, token: str):
    user = calendar_token_user(token=token)
    if user is None:
        raise Http404
    events = event_queryset(user=user).order_by("starts_at")
    return _feed_response(
        request, events, name=_("我的川渝党史联席会议日历"), filename="private.ics", private=True
    )

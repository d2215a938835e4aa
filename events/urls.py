from django.urls import path, register_converter

from . import calendar_feeds, views


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitMonth:
    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "events_yyyy")
register_converter(TwoDigitMonth, "events_mm")

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/past/", views.event_past, name="event_past"),
    path("events/past/<events_yyyy:year>/", views.event_past, name="event_past_year"),
    path("events/month/<events_yyyy:year>/<events_mm:month>/", views.event_month, name="event_month"),
    path("events/calendar.ics", calendar_feeds.feed_public, name="feed_public"),
    path("events/calendar/type/<slug:event_type>.ics", calendar_feeds.feed_type, name="feed_type"),
    path(
        "events/calendar/organisation/<slug:code>.ics",
        calendar_feeds.feed_organisation,
        name="feed_organisation",
    ),
    path("events/calendar/private/reset/", views.private_feed_reset, name="private_feed_reset"),
    path("events/calendar/private/<str:token>.ics", calendar_feeds.feed_private, name="feed_private"),
    path("events/calendar/<slug:region>.ics", calendar_feeds.feed_region, name="feed_region"),
    path("events/<uuid:global_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:global_id>/event.ics", calendar_feeds.event_ical, name="event_ical"),
    path("events/<uuid:global_id>/rsvp/", views.event_rsvp, name="event_rsvp"),
]

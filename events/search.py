"""What events contributes to the search index (registered from apps.py)."""

from search.sources import Source, url_of, year_of

from .models import Event, EventType


def _fields(e) -> dict:
    return {
        "type": e.event_type,
        "places": [e.city] if e.city else [],
        "year": year_of(e.starts_at),
        "url": url_of("events:event_detail", global_id=e.global_id),
        "published_at": e.starts_at,
    }


SOURCES = (Source(Event, _fields, types=dict(EventType.choices)),)

"""What publicity contributes to the search index (registered from apps.py)."""

from django.utils.translation import gettext_lazy as _

from search.sources import Source, year_of

from .models import Story


def _fields(s) -> dict:
    return {
        "type": "story",
        "year": year_of(s.publication_date),
        "url": s.url or "",
        "published_at": s.publication_date,
    }


SOURCES = (
    Source(
        Story,
        _fields,
        topics_field="topics",
        types={"story": _("稿件")},
        queryset=lambda qs: qs.live(),
        indexable=lambda story: story.live,
    ),
)

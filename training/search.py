"""What training contributes to the search index (registered from apps.py)."""

from django.utils.translation import pgettext_lazy

from search.sources import Source, url_of, year_of

from .models import Course


def _fields(c) -> dict:
    return {
        "type": "course",
        "year": year_of(c.created_at),
        "url": url_of("training:course_list") + f"#course-{c.pk}",
        "published_at": c.created_at,
    }


SOURCES = (Source(Course, _fields, types={"course": pgettext_lazy("search type", "培训课程")}),)

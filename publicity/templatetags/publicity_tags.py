from django import template
from django.conf import settings
from django.utils.translation import get_language

from portal.page_cache import content_cached

from ..models import RedHeritageIndexPage, StoryIndexPage
from ..naming import bulletin_issue_name as _bulletin_issue_name
from ..selectors import red_heritage_highlights, story_latest

register = template.Library()


def _index_url(model, request) -> str:
    def build() -> str:
        index = model.objects.live().public().first()
        return index.get_url(request) if index else ""

    # The same for every reader of a site and language until a page moves (the content generation).
    where = f"{request.get_host()}:{get_language()}" if request is not None else "-"
    key = f"index-url:{model._meta.label_lower}:{where}"
    return content_cached(key, build, timeout=settings.PORTAL_CONTENT_CACHE_SECONDS)


@register.inclusion_tag("publicity/includes/latest_stories.html", takes_context=True)
def latest_stories(context, count: int = 6):
    """The newest stories from both regions the reader may see, for the home page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "stories": story_latest(user=user, count=count),
        "index_url": _index_url(StoryIndexPage, request),
        "request": request,
    }


@register.inclusion_tag("publicity/includes/heritage_highlights.html", takes_context=True)
def heritage_highlights(context, count: int = 3):
    """A few red-heritage sites of both regions the reader may see, for the home page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "sites": red_heritage_highlights(user=user, count=count),
        "index_url": _index_url(RedHeritageIndexPage, request),
        "request": request,
    }


@register.simple_tag
def bulletin_issue_name(issue, year: bool = True, marked: bool = True) -> str:
    """{% bulletin_issue_name issue %}: 重庆党史工作 2020年第3期 (总第198期), see publicity.naming."""
    return _bulletin_issue_name(issue, year=year, marked=marked)

from django import template

from ..filters import StoryFilters
from ..models import StoryIndexPage
from ..selectors import story_list

register = template.Library()


@register.inclusion_tag("publicity/includes/organisation_stories.html", takes_context=True)
def organisation_stories(context, organisation, count: int = 5):
    """The newest stories an organisation contributed (供稿单位) this reader may see, for its page;
    更多 opens the story index narrowed to the organisation by the index's own filter."""
    request = context.get("request")
    user = getattr(request, "user", None)
    filters = StoryFilters({"organisation": organisation.code}, user=user)
    index = StoryIndexPage.objects.live().public().first()
    return {
        "stories": story_list(user=user, filters=filters)[:count],
        "more_url": f"{index.get_url(request)}?{filters.query_string()}" if index else "",
    }

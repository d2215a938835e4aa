from django import template

from ..models import StoryIndexPage
from ..selectors import story_list

register = template.Library()


@register.inclusion_tag("publicity/includes/latest_stories.html", takes_context=True)
def latest_stories(context, count: int = 6):
    """The newest stories from both regions the reader may see, for the home page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    index = StoryIndexPage.objects.live().public().first()
    return {"stories": story_list(user=user)[:count], "index_url": index.get_url(request) if index else ""}

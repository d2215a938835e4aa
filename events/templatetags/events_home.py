from django import template

from ..selectors import occurrences_upcoming

register = template.Library()


@register.inclusion_tag("events/includes/upcoming_meetings.html", takes_context=True)
def upcoming_meetings(context, count: int = 4):
    """The next occurrences of the meetings this reader may see, for the home page."""
    user = getattr(context.get("request"), "user", None)
    return {"occurrences": occurrences_upcoming(user=user, limit=count)}

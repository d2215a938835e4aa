import datetime

from django import template
from django.utils import timezone

from ..selectors import occurrences_first

register = template.Library()


@register.inclusion_tag("events/includes/upcoming_meetings.html", takes_context=True)
def upcoming_meetings(context, count: int = 4):
    """The next occurrences of the meetings this reader may see, for the home page."""
    request = context.get("request")
    now = timezone.now()
    occurrences = occurrences_first(
        user=getattr(request, "user", None), start=now, end=now + datetime.timedelta(days=366), limit=count
    )
    return {"occurrences": [o for o in occurrences if not o.cancelled]}

from django import template
from django.utils import timezone

from ..selectors import sessions_open_for_enrolment

register = template.Library()


@register.inclusion_tag("training/includes/open_sessions.html", takes_context=True)
def open_sessions(context, count: int = 4):
    """Training sessions this reader may see that take enrolments now, for the home page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"sessions": sessions_open_for_enrolment(user=user, now=timezone.now(), limit=count)}

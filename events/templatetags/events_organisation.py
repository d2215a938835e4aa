from django import template
from django.urls import reverse

from ..filters import EventFilters
from ..selectors import occurrences_upcoming

register = template.Library()


@register.inclusion_tag("events/includes/organisation_events.html", takes_context=True)
def organisation_events(context, organisation, count: int = 5):
    """The next occurrences of the events an organisation hosts or co-hosts that this reader may see,
    for its page; 更多 opens the calendar's list narrowed to the organisation by its own filter."""
    user = getattr(context.get("request"), "user", None)
    filters = EventFilters({"organisation": organisation.code}, user=user)
    return {
        "occurrences": occurrences_upcoming(user=user, limit=count, filters=filters),
        "more_url": f"{reverse('events:event_list')}?{filters.query_string()}",
    }

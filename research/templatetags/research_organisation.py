from django import template
from django.urls import reverse

from ..filters import ProjectFilters
from ..selectors import project_list

register = template.Library()


@register.inclusion_tag("research/includes/organisation_projects.html", takes_context=True)
def organisation_projects(context, organisation, count: int = 5):
    """The newest projects an organisation leads (牵头单位) that this reader may see, for its page;
    更多 opens the project list narrowed to the organisation by the list's own filter."""
    user = getattr(context.get("request"), "user", None)
    filters = ProjectFilters({"organisation": organisation.code}, user=user)
    return {
        "projects": project_list(user=user, filters=filters)[:count],
        "more_url": f"{reverse('research:project_index')}?{filters.query_string()}",
    }

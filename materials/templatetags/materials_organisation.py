from django import template
from django.urls import reverse

from ..filters import MaterialFilters
from ..selectors import material_list

register = template.Library()


@register.inclusion_tag("materials/includes/organisation_materials.html", takes_context=True)
def organisation_materials(context, organisation, count: int = 5):
    """An organisation's newest materials this reader may see, for its page; 更多 opens the list
    narrowed to the organisation by the list's own filter."""
    user = getattr(context.get("request"), "user", None)
    filters = MaterialFilters({"organisation": organisation.code}, user=user)
    return {
        "materials": material_list(user=user, filters=filters)[:count],
        "more_url": f"{reverse('materials:index')}?{filters.query_string()}",
    }

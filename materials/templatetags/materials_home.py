from django import template

from ..selectors import material_list

register = template.Library()


@register.inclusion_tag("materials/includes/newest_materials.html", takes_context=True)
def newest_materials(context, count: int = 5):
    """The newest materials this reader may see, for the home page."""
    request = context.get("request")
    return {"materials": material_list(user=getattr(request, "user", None))[:count]}

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

register = template.Library()

# The collaboration modules' landing pages, in the order the agreement lists them.
MODULE_LINKS = [
    ("events:event_list", _("联席会议")),
    ("materials:index", _("资料共享")),
    ("research:project_index", _("课题研究")),
    ("training:course_list", _("联合培训")),
]


def _module_links():
    links = []
    for url_name, label in MODULE_LINKS:
        try:
            links.append({"url": reverse(url_name), "title": label})
        except NoReverseMatch:
            continue
    return links


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Module landing pages first, then the editors' menu pages that are not one of them."""
    request = context.get("request")
    links = _module_links()
    site = Site.find_for_request(request) if request else None
    if site is None:
        return links
    taken = {link["url"] for link in links}
    for page in site.root_page.get_children().live().public().in_menu():
        url = page.get_url(request)
        if url not in taken:
            links.append({"url": url, "title": page.title, "page_id": page.pk})
    return links

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from wagtail.models import Site

from portal.modules import modules

register = template.Library()


def _module_links():
    """The registered modules' landing pages, in the order the agreement lists them."""
    links = []
    for entry in sorted((m.menu for m in modules() if m.menu), key=lambda entry: entry.order):
        try:
            links.append({"url": reverse(entry.url_name), "title": entry.title})
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


@register.simple_tag
def origin_url(record) -> str:
    """The address of a replicated record at the region it came from ("" for local records)."""
    if not getattr(record, "is_replica", False):
        return ""
    partner = next((p for p in settings.PORTAL_PARTNERS if p.region == record.origin_region), None)
    return f"{partner.public_url}{record.get_absolute_url()}" if partner else ""


@register.inclusion_tag("portal/includes/origin_line.html")
def origin_line(record):
    """The source line of a record replicated from the partner region: it is read-only here."""
    return {
        "record": record,
        "url": origin_url(record),
        "region": settings.PORTAL_REGION_NAMES.get(getattr(record, "origin_region", ""), ""),
    }


@register.filter
def staff_name(user) -> str:
    """{{ user|staff_name }}: family name first, as Chinese names are written."""
    from portal.names import staff_display_name

    return staff_display_name(user) if user else ""


@register.filter
def when(value, part: str = "") -> str:
    """{{ value|when }}: the one date format (2020年6月9日 09:30); {{ value|when:"date" }} drops the time."""
    from portal.dates import date_display

    return date_display(value, part=part)

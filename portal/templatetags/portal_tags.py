from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeData
from django.utils.translation import get_language

from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Page, Site

from portal.content_language import content_lang, in_reader_language, organisation_name
from portal.menu import site_menu_build
from portal.page_cache import content_cached
from portal.selectors import organisation_page_urls

register = template.Library()


def _menu(request):
    """Built once a request: the navigation and the breadcrumbs both read it."""
    if request is None:
        return site_menu_build()
    if not hasattr(request, "_portal_site_menu"):
        request._portal_site_menu = site_menu_build(request=request)
    return request._portal_site_menu


@register.simple_tag(takes_context=True)
def site_menu(context):
    """The site menu for this request (portal.menu)."""
    return _menu(context.get("request"))


def _crumb(page, url: str | None) -> dict:
    title, lang = in_reader_language(page)
    return {"title": title, "url": url, "lang": lang}


@register.inclusion_tag("portal/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, title=""):
    """首页 › section › … › this page: a page's ancestors below the site root, or, for a
    module's own views, the menu section and sub-section the address falls in, then the record
    the view shows (its title as ``breadcrumb_title`` in the view's context) as the current crumb.

    A page that is neither a menu entry nor a record names itself: {% breadcrumbs title %} (a
    translated string) in its template's breadcrumbs block; outside every section (search, 404)
    that is the whole trail, 首页 › 检索."""
    request, page = context.get("request"), context.get("page")
    crumbs = []
    if isinstance(page, Page) and request is not None:
        site = Site.find_for_request(request)
        if site is not None and page.depth > site.root_page.depth:
            ancestors = page.get_ancestors().live().filter(depth__gt=site.root_page.depth).specific()
            trail = [*((a, a.get_url(request)) for a in ancestors), (page, None)]
            crumbs = [_crumb(p, url) for p, url in trail]
    elif request is not None:
        for item in _menu(request):
            if not item.current:
                continue
            # The section and sub-section the address falls in; the one it is, unlinked and current.
            within = [c for c in item.children if c.url != item.url and request.path.startswith(c.url)]
            trail = [item, *within]
            crumbs = [
                {"title": c.title, "url": None if c.url == request.path else c.url, "lang": c.lang}
                for c in trail
            ]
            break
        named = title
        title = context.get("breadcrumb_title")
        if named and (not crumbs or crumbs[-1]["url"]):
            # The interface's own name for the page, in the reader's language.
            crumbs.append({"title": named, "url": None, "lang": ""})
        if crumbs and title:
            # A record's title is content, written in Chinese; one given as markup marks its own parts.
            lang = "" if isinstance(title, SafeData) else content_lang(title)
            crumbs.append({"title": title, "url": None, "lang": lang})
    return {"crumbs": crumbs, "request": request}


@register.simple_tag
def page_text(page, field: str = "title") -> dict:
    """A page's title or introduction in the reader's language: {"text", "lang"} (portal.content_language)."""
    text, lang = in_reader_language(page, field)
    return {"text": text, "lang": lang}


@register.filter
def lang_mark(value) -> str:
    """<h1{{ story.title|lang_mark }}>: ` lang="zh-Hans"` where English readers meet Chinese
    content (portal.content_language), else nothing."""
    lang = content_lang(value)
    return format_html(' lang="{}"', lang) if lang else ""


@register.filter
def marked(value) -> str:
    """{{ text|marked }}: the text, inside <span lang="zh-Hans"> where English readers meet Chinese."""
    lang = content_lang(value)
    return format_html('<span lang="{}">{}</span>', lang, value) if lang else format_html("{}", value or "")


@register.filter
def reader_text(record, field: str = "title") -> str:
    """{{ organisation|reader_text:"name"|marked }}: a field in the reader's language (its ``_en``
    twin for English readers where there is one; portal.content_language.in_reader_language)."""
    return in_reader_language(record, field)[0] if record is not None else ""


@register.simple_tag(takes_context=True)
def organisation_page_links(context, organisations_by_region):
    """The member units, each with its page's address on this site where it has one."""
    urls = organisation_page_urls(request=context.get("request"))
    return {
        region: [
            {"name": organisation_name(o), "level": o.level, "url": urls.get(o.pk)} for o in organisations
        ]
        for region, organisations in organisations_by_region.items()
    }


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


@register.simple_tag(takes_context=True)
def staff_userbar(context):
    """Wagtail's userbar for staff on the public site, kept per staff member, page and language until
    content changes (a page's status, a lock, a workflow step), and for a minute at most: rights
    withdrawn show within it, and the admin checks them again on every request anyway."""
    request = context.get("request")
    user = getattr(request, "user", None)
    page = context.get("page")
    timeout = min(settings.PORTAL_CONTENT_CACHE_SECONDS, 60)
    if user is None or not user.is_authenticated or getattr(request, "is_preview", False):
        return wagtailuserbar(context)
    # The userbar speaks the staff member's admin language (Wagtail's UserProfile; none set: the page's,
    # already in the key): one indexed read, so a changed preference shows at once.
    profile = getattr(user, "wagtail_userprofile", None)
    admin_language = profile.preferred_language if profile else ""
    page_pk = getattr(page, "pk", "")
    key = f"userbar:{user.pk}:{admin_language}:{page_pk}:{get_language()}:{request.get_host()}"
    return content_cached(key, lambda: wagtailuserbar(context), timeout=timeout)

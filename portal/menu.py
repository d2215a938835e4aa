"""The site menu: the modules' sections as they declare them, then the editors' menu pages.

At most one top-level item a module plus home and one group (关于平台) that gathers the
editors' remaining menu pages, so the menu stays short however many pages editors add.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, pgettext_lazy

from wagtail.models import Page, Site

from portal.content_language import in_reader_language
from portal.modules import MenuEntry, MenuLink, modules
from portal.page_cache import content_cached


@dataclass
class MenuItem:
    title: str
    url: str
    children: list["MenuItem"] = field(default_factory=list)
    current: bool = False
    summary: str = ""
    # An editor's page title is content, written in Chinese only: marked for English readers.
    lang: str = ""

    def __getitem__(self, key):  # templates and older callers read items as mappings
        return getattr(self, key)


def _page_item(page, url: str) -> MenuItem:
    title, lang = in_reader_language(page)
    return MenuItem(title=title, url=url, lang=lang)


def _page_urls(entries: list[MenuEntry], request) -> dict[str, str]:
    """The URL of the one live public page of each page model the menu names, in one query."""
    labels = {link.page_model for entry in entries for link in (entry, *entry.children) if link.page_model}
    if not labels:
        return {}
    models = [apps.get_model(label) for label in labels]
    urls = {}
    for page in Page.objects.live().public().type(*models).specific().order_by("path"):
        label = page._meta.label
        if label in labels and label not in urls:
            urls[label] = page.get_url(request)
    return urls


def _url(link: MenuEntry | MenuLink, page_urls: dict[str, str]) -> str | None:
    if link.page_model:
        return page_urls.get(link.page_model)
    try:
        return reverse(link.url_name)
    except NoReverseMatch:
        return None


def _in_section(path: str, url: str) -> bool:
    return url not in ("", "/") and (path == url or (url.endswith("/") and path.startswith(url)))


def site_menu_build(*, request=None) -> list[MenuItem]:
    """Each module's section with its sub-menu, in the declared order, then 关于平台, the current one marked.

    The items are the same for every reader (live public pages only), so they are kept per site and
    language until content changes (portal.page_cache); only the marks depend on the request.
    """
    if request is None:
        items = _menu_items(request)
    else:
        key = f"site-menu:{request.get_host()}:{get_language()}"
        timeout = settings.PORTAL_CONTENT_CACHE_SECONDS
        items = content_cached(key, lambda: _menu_items(request), timeout=timeout)
    path = request.path if request else ""
    for item in items:
        for child in item.children:
            child.current = path == child.url
        item.current = any(_in_section(path, url) for url in [item.url, *(c.url for c in item.children)])
    return items


def _menu_items(request) -> list[MenuItem]:
    entries = sorted((m.menu for m in modules() if m.menu), key=lambda entry: entry.order)
    page_urls = _page_urls(entries, request)
    items = []
    for entry in entries:
        url = _url(entry, page_urls)
        if url is None:
            continue
        children = [
            MenuItem(title=child.title, url=child_url)
            for child in entry.children
            if (child_url := _url(child, page_urls)) is not None
        ]
        items.append(MenuItem(title=entry.title, url=url, children=children, summary=entry.summary))
    site = Site.find_for_request(request) if request else None
    if site is not None:
        taken = {item.url for item in items} | {child.url for item in items for child in item.children}
        pages = [
            _page_item(page, url)
            for page in site.root_page.get_children().live().public().in_menu().specific()
            if (url := page.get_url(request)) not in taken
        ]
        if len(pages) == 1:
            items.extend(pages)
        elif pages:
            about = pgettext_lazy("site menu", "关于平台")
            items.append(MenuItem(title=about, url=pages[0].url, children=pages))
    # Titles in the active language (the cache key names it), so a cached menu holds no lazy strings.
    for entry in [*items, *(child for item in items for child in item.children)]:
        entry.title, entry.summary = str(entry.title), str(entry.summary)
    return items

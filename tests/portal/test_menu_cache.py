"""The site menu comes from the cache (real Redis) until content changes; the current section is
marked on each request."""

import pytest
from bs4 import BeautifulSoup

from wagtail.models import Page

from portal.models import StandardPage
from tests.support.caching import use_redis_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def menu_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="menu-cache")
    settings.PORTAL_CONTENT_CACHE_SECONDS = 300


def _menu(client, path: str = "/") -> tuple[list[str], list[str]]:
    """Every entry of the menu, and the current ones."""
    response = client.get(path)
    assert response.status_code == 200, path
    menu = BeautifulSoup(response.content, "html.parser").select_one("#site-nav-menu")
    current = [a.get_text(strip=True) for a in menu.select('a[aria-current="page"]')]
    return [a.get_text(strip=True) for a in menu.select("a")], current


def _publish(parent, title: str, slug: str) -> StandardPage:
    page = StandardPage(title=title, slug=slug, show_in_menus=True)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_menu_is_kept_until_a_page_is_published_or_unpublished(client, site_home):
    about = _publish(site_home, "关于协作", "about")
    _menu(client)  # the site's first page records its identity (a content write)
    entries, _ = _menu(client)
    assert "关于协作" in entries

    # Kept: a bare update sends no signal, so the menu built before it is still served.
    Page.objects.filter(pk=about.pk).update(title="改过的标题")
    entries, _ = _menu(client)
    assert "关于协作" in entries and "改过的标题" not in entries

    # Publishing moves the content generation on: the new page, and the new title, show at once.
    contact = _publish(site_home, "联系我们", "contact")
    entries, current = _menu(client, "/contact/")
    assert "联系我们" in entries and "改过的标题" in entries
    assert current == ["联系我们"]
    # The mark belongs to the request, not to the menu kept for every page.
    assert _menu(client, "/")[1] == ["首页"]

    contact.unpublish()
    entries, _ = _menu(client)
    assert "联系我们" not in entries

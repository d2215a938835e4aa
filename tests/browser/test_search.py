import os

import pytest

from tests.browser.conftest import SCREENSHOTS, runserver
from tests.conftest import free_port, manage

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """The embedded (SQLite) site without Elasticsearch, its database search index filled."""
    var = tmp_path_factory.mktemp("browser-search")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_REGION="sichuan", PORTAL_VAR_DIR=str(var))
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--port", str(port), env=env)
    # Wagtail queues index updates as background jobs; no worker runs here, so index once.
    manage("update_index", env=env)
    with runserver(env, port) as url:
        yield url


def test_reader_gets_suggestions_while_typing_and_filters_results(search_site, browser):  # noqa: F811
    """The embedded site has no Elasticsearch: the database fallback answers the same page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(search_site + "/search/")
    page.get_by_label("关键词").press_sequentially("川渝党史干部", delay=50)
    suggestion = page.locator("#search-suggestions li").first
    suggestion.wait_for(state="visible", timeout=10_000)
    assert "川渝党史干部" in suggestion.inner_text()

    page.get_by_label("关键词").fill("培训")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".search-result").count() >= 1
    assert page.locator(".facet-module").is_visible()
    before = page.locator(".search-result").count()
    page.locator(".facet-module a").first.click()
    page.wait_for_load_state()
    assert 1 <= page.locator(".search-result").count() <= before
    assert page.locator(".facet-module li.selected").count() == 1

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-facets.png"), full_page=True)

import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="home") as site:
        yield site.url


def test_reader_on_a_phone_switches_the_home_page_to_english(live_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_site + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".site-brand__region").inner_text() == "四川站"

    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_site + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".site-brand__region").inner_text() == "Sichuan site"

    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / "home-en-phone.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    page.close()


def test_the_phone_menu_stays_one_bar_until_opened(live_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_site + "/research/experts/")
    nav = page.locator("nav.site-nav")
    menu = page.locator("#site-nav-menu")
    assert nav.bounding_box()["height"] <= 60
    assert not menu.is_visible()

    page.get_by_role("button", name="菜单").click()
    assert menu.is_visible()
    assert page.get_by_role("button", name="菜单").get_attribute("aria-expanded") == "true"
    current = page.locator("#site-nav-menu > li.is-current > a")
    assert current.inner_text() == "课题研究" and current.get_attribute("aria-current") == "true"
    assert page.locator(".breadcrumbs li").all_inner_texts() == ["首页", "课题研究", "专家库"]
    page.close()

    wide = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    wide.goto(live_site + "/")
    assert wide.locator("#site-nav-menu").is_visible()
    assert not wide.get_by_role("button", name="菜单").is_visible()
    assert wide.locator("#site-nav-menu > li").count() <= 7
    wide.close()

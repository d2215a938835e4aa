"""Two staff members compete for the last place of a session; a cancellation promotes the second."""

import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site
from tests.support.scripts import script

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.clock]

PASSWORD = "chuanyu-demo-2020"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """The embedded default (SQLite) Sichuan site with a one-place session."""
    with demo_site(tmp_path_factory, name="training") as site:
        session_id = int(site.shell(script("training_session_one_place")).strip().splitlines()[-1])
        yield site.url, session_id


def signed_in_page(browser, base, username, session_url):
    """A staff member follows the session page's sign-in link and comes back to it."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(session_url)
    page.get_by_role("link", name="工作人员登录后报名").click()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(session_url)
    return page


def test_second_staff_member_is_waitlisted_then_promoted_when_the_first_cancels(live_site, browser):
    base, session_id = live_site
    session_url = f"{base}/training/sessions/{session_id}/"
    SCREENSHOTS.mkdir(exist_ok=True)

    # The course list leads to the session.
    reader = browser.new_page(locale="zh-CN")
    reader.goto(base + "/training/")
    reader.get_by_role("link", name="浏览器测试专题班").click()
    reader.wait_for_url(session_url)
    reader.close()

    first = signed_in_page(browser, base, "sc_researcher", session_url)
    first.get_by_role("button", name="报名").click()
    first.wait_for_load_state()
    assert "报名成功。" in first.locator(".messages").inner_text()
    assert first.locator(".training-state").inner_text() == "您已报名本班次。"

    second = signed_in_page(browser, base, "cd_trainer", session_url)
    assert "已报名 1/1" in second.locator(".training-capacity").inner_text()
    second.get_by_role("button", name="加入候补").click()
    second.wait_for_load_state()
    assert second.locator(".training-state").inner_text() == "您在候补名单第 1 位。"
    second.screenshot(path=str(SCREENSHOTS / "training-waitlisted.png"), full_page=True)

    first.get_by_role("button", name="取消报名").click()
    first.wait_for_load_state()
    assert "已取消报名。" in first.locator(".messages").inner_text()

    second.reload()
    assert second.locator(".training-state").inner_text() == "您已报名本班次。"
    second.screenshot(path=str(SCREENSHOTS / "training-promoted.png"), full_page=True)
    second.goto(base + "/training/my/")
    row = second.locator("tr", has_text="浏览器测试专题班")
    assert "已报名" in row.inner_text()

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site
from tests.support.demo import partner_demo_command

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.clock]


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    # Sichuan's site, with Chongqing's meetings as sync would have brought them.
    partner = partner_demo_command(partner="chongqing", modules=("events",))
    with demo_site(tmp_path_factory, name="events", after_seed=[partner]) as site:
        yield site.url


def test_reader_on_a_phone_browses_the_month_view_and_subscribes(live_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_site + "/")
    navigation = page.get_by_role("navigation", name="主导航")
    navigation.get_by_role("button", name="菜单").click()  # a phone's menu opens from its button
    navigation.get_by_role("link", name="联席会议", exact=True).click()
    page.wait_for_url(live_site + "/events/")
    page.get_by_role("link", name="月历").click()
    page.wait_for_url(live_site + "/events/month/**")
    # This month, whatever day the clock shows: its days with events, or a word that there are none.
    today = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert f"{today.year}年{today.month}月" in page.locator("h1").inner_text()
    days = page.locator(".month-grid__day:not(.month-grid__day--empty):not(.month-grid__day--outside)")
    empty = page.get_by_text("本月没有符合条件的活动。")
    assert (days.count() > 0 and days.first.is_visible()) != empty.is_visible()

    # An empty month on a phone says so and leads to the nearest months that have meetings.
    page.goto(live_site + "/events/month/2020/07/")
    assert page.get_by_text("本月没有符合条件的活动。").is_visible()
    assert page.locator(".month-grid").is_hidden()
    assert page.get_by_role("link", name="下一个有活动的月份：2020年8月").is_visible()
    page.get_by_role("link", name="上一个有活动的月份：2020年5月").click()
    page.wait_for_url(live_site + "/events/month/2020/05/")
    meeting = page.get_by_role("link", name="09:30 川渝党史部门第一次联席会议")
    assert meeting.is_visible()
    # On a phone the grid is a list of the days that have events.
    assert page.locator(".month-grid__day--empty").first.is_hidden()
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / "events-month-phone.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000

    meeting.click()
    page.wait_for_url("**/events/*/")
    assert page.locator("h1").inner_text() == "川渝党史部门第一次联席会议"
    assert "2020年5月19日 09:30" in page.locator(".event__when").inner_text()
    uid = page.url.rstrip("/").rsplit("/", 1)[1] + "@portal"
    page.go_back()

    subscribe = page.get_by_role("link", name="订阅全部公开活动")
    subscribe.scroll_into_view_if_needed()
    assert subscribe.is_visible()
    webcal = live_site.replace("http://", "webcal://")
    assert subscribe.get_attribute("href") == webcal + "/events/calendar.ics"
    # What a calendar app would fetch from that address.
    feed = page.request.get(live_site + subscribe.get_attribute("data-feed"))
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.body())
    uids = {str(component["UID"]) for component in calendar.walk("VEVENT")}
    assert uid in uids
    page.close()


def test_reader_filters_the_month_by_type_on_a_desktop(live_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(live_site + "/events/month/2021/06/")
    assert page.get_by_role("link", name="09:00 红岩精神与中国革命精神学术研讨会").first.is_visible()
    page.get_by_label("类型").select_option("joint_meeting")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/events/month/2021/06/?*type=joint_meeting*")
    assert page.get_by_role("link", name="09:00 红岩精神与中国革命精神学术研讨会").count() == 0
    subscribe = page.get_by_role("link", name="订阅此类型的活动")
    assert subscribe.get_attribute("href").endswith("/events/calendar/type/joint_meeting.ics")
    page.screenshot(path=str(SCREENSHOTS / "events-month-desktop.png"), full_page=True)
    page.close()

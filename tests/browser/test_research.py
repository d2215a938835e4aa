import datetime

import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.clock]


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="research") as site:
        yield site.url


def test_project_lead_adds_a_milestone_and_an_output(live_site, browser):
    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN")
    # The lead of the demo's 成渝地区双城经济圈 project signs in as staff do, through the admin login.
    page.goto(live_site + "/admin/login/?next=/research/")
    page.fill("#id_username", "sc_researcher")
    page.fill("#id_password", "chuanyu-demo-2020")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_site + "/research/")

    page.get_by_role("link", name="服务成渝地区双城经济圈建设党史资政研究").click()
    page.get_by_role("link", name="进入课题工作台").click()
    expect(page.get_by_role("heading", name="课题工作台")).to_be_visible()
    # The demo has an overdue milestone, which the lead sees highlighted.
    expect(page.locator(".milestone--overdue")).to_contain_text("完成川渝合作历史经验调研")

    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    milestone_form = page.locator("form.milestone-form")
    milestone_form.get_by_label("节点名称").fill("召开课题中期研讨会")
    milestone_form.get_by_label("截止日期").fill(due)
    milestone_form.get_by_role("button", name="添加节点").click()
    expect(page.locator(".messages")).to_contain_text("已添加节点“召开课题中期研讨会”")
    expect(page.locator("#due-soon")).to_contain_text("召开课题中期研讨会")

    output_form = page.locator("form.output-form")
    output_form.get_by_label("成果名称").fill("川渝合作发展历史经验资政报告")
    output_form.get_by_label("成果类型").select_option(label="资政报告")
    output_form.get_by_label("链接").fill("https://example.org/report")
    output_form.get_by_role("button", name="添加成果").click()
    expect(page.locator(".messages")).to_contain_text("已添加成果“川渝合作发展历史经验资政报告”")
    expect(page.locator("#outputs")).to_contain_text("川渝合作发展历史经验资政报告")

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "research-workspace.png"), full_page=True)

    # A reader of the public project page sees the new output too.
    reader = browser.new_page(locale="zh-CN")
    reader.goto(live_site + "/research/")
    reader.get_by_role("link", name="服务成渝地区双城经济圈建设党史资政研究").click()
    expect(reader.locator(".output-list")).to_contain_text("川渝合作发展历史经验资政报告")
    expect(reader.get_by_role("link", name="进入课题工作台")).to_have_count(0)
    reader.close()
    page.close()

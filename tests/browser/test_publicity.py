"""A district/city editor submits an item, a provincial reviewer accepts it, and readers get it."""

import datetime

import pytest
import requests

from tests.browser.conftest import SCREENSHOTS, admin_sign_in, demo_site
from tests.conftest import manage

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.clock]

PASSWORD = "chuanyu-demo-2020"
TITLE = "成都市委党史研究室开展红色资源普查"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="publicity") as site:
        yield site.url, site.env


def _shell(env, code: str) -> str:
    return manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1]


def _login(browser, base, username):
    # Reviewers give a second factor (enrolling on their first sign-in).
    return admin_sign_in(browser.new_context(locale="zh-CN").new_page(), base, username, PASSWORD)


def test_submitted_item_is_accepted_and_reaches_feed_and_bulletin(live_site, browser):
    base, env = live_site
    index_id = _shell(
        env, "from publicity.models import StoryIndexPage; print(StoryIndexPage.objects.get().pk)"
    )

    editor = _login(browser, base, "cd_editor")
    editor.goto(f"{base}/admin/pages/add/publicity/story/{index_id}/")
    editor.fill("#id_title", TITLE)
    editor.select_option("#id_section", label="信息短波")
    editor.select_option("#id_origin_organisation", label="成都市委党史研究室")
    editor.fill("#id_publication_date", datetime.date.today().isoformat())
    # The slug sits on the promote tab; Chinese titles give no ASCII slug of their own.
    editor.locator("#id_slug").evaluate("input => { input.value = 'chengdu-red-resources'; }")
    editor.locator('button[name="action-submit"]').evaluate("button => button.click()")
    editor.wait_for_url(f"{base}/admin/pages/{index_id}/")
    assert requests.get(base + "/feeds/stories.rss", timeout=10).text.count(TITLE) == 0
    editor.context.close()

    story_id = _shell(
        env, f"from publicity.models import Story; print(Story.objects.get(title='{TITLE}').pk)"
    )
    reviewer = _login(browser, base, "sc_reviewer")
    reviewer.goto(f"{base}/admin/pages/{story_id}/edit/")
    reviewer.locator('[data-workflow-action-name="approve"]').first.evaluate("button => button.click()")
    reviewer.wait_for_load_state("networkidle")
    feed = requests.get(base + "/feeds/stories.rss", timeout=10).text
    assert TITLE in feed and "成都市委党史研究室" in feed

    issue_id = _shell(
        env,
        "import datetime; from publicity.models import BulletinIssue; "
        "print(BulletinIssue.objects.create(title='四川党史工作', region='sichuan', year=2030, number=1, "
        "date=datetime.date(2030, 1, 1)).pk)",
    )
    reviewer.goto(f"{base}/admin/publicity/bulletins/{issue_id}/compile/")
    assert TITLE in reviewer.content()
    reviewer.get_by_role("button", name="编入本期").click()
    reviewer.wait_for_url(f"{base}/bulletins/{issue_id}/")
    assert "(成都市委党史研究室供稿)" in reviewer.content()

    SCREENSHOTS.mkdir(exist_ok=True)
    reviewer.screenshot(path=str(SCREENSHOTS / "publicity-bulletin.png"), full_page=True)
    reviewer.context.close()


# Characters of each rendered line of the story's longest paragraph, and the text column's
# width in that paragraph's font size.
MEASURE_LINES = """prose => {
    const paragraph = [...prose.querySelectorAll('p')]
        .sort((a, b) => b.textContent.length - a.textContent.length)[0];
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const lines = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (rect) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
        }
    }
    const fontSize = parseFloat(getComputedStyle(paragraph).fontSize);
    return {lines: [...lines.values()], ems: prose.getBoundingClientRect().width / fontSize};
}"""


def test_a_story_line_holds_at_most_forty_chinese_characters(live_site, browser):
    base, env = live_site
    path = _shell(
        env,
        "from publicity.models import Story; "
        "print(max(Story.objects.live(), key=lambda s: max(map(len, s.body_text()), default=0)).url)",
    )
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page.goto(base + path)

    measure = page.locator("article.story .prose").evaluate(MEASURE_LINES)

    # The demo's longest paragraph (62 characters) wraps. A CJK character is one em wide: the
    # column is 40 of them at most, however wide the window.
    assert measure["ems"] <= 40.5, measure
    assert len(measure["lines"]) >= 2, measure
    assert max(measure["lines"]) <= 40, measure
    assert max(measure["lines"]) >= 36, measure  # a full line, not a narrow column
    page.close()

"""A district/city editor submits an item, a provincial reviewer accepts it, and readers get it."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port, manage, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.services]

SCREENSHOTS = ROOT / "test-results"
PASSWORD = "chuanyu-demo-2020"
TITLE = "成都市委党史研究室开展红色资源普查"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    var = tmp_path_factory.mktemp("browser-publicity")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_REGION="sichuan", PORTAL_VAR_DIR=str(var))
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--port", str(port), env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", process=server)
    yield f"http://127.0.0.1:{port}", env
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium is not installed at {executable}: run `make test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def _shell(env, code: str) -> str:
    return manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1]


def _login(browser, base, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    return page


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

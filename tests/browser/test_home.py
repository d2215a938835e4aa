import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, manage, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.services]

SCREENSHOTS = ROOT / "test-results"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """The embedded default (SQLite) Sichuan site, served the way `make run` serves it."""
    var = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_REGION="sichuan",
        PORTAL_VAR_DIR=str(var),
    )
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
    yield f"http://127.0.0.1:{port}"
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
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


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

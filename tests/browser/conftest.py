"""Browser tests drive Debian's Chromium against demo sites served as `make run` serves them."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, manage, wait_for_http

SCREENSHOTS = ROOT / "test-results"
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")


@dataclass(frozen=True)
class DemoSite:
    url: str
    env: dict

    def shell(self, code: str) -> str:
        """Run Python in the site's Django environment and return what it printed."""
        return manage("shell", "-v0", "-c", code, env=self.env).stdout


_migrated_databases: dict[str, Path] = {}


def _migrated_sqlite(env: dict, region: str) -> Path:
    """A region's SQLite database migrated once per test process: each demo site starts from a
    copy instead of running every migration again."""
    if region not in _migrated_databases:
        folder = Path(tempfile.mkdtemp(prefix=f"browser-migrated-{region}-"))
        manage("migrate", "--noinput", "-v0", env={**env, "PORTAL_VAR_DIR": str(folder)})
        _migrated_databases[region] = folder / region / "db.sqlite3"
    return _migrated_databases[region]


@contextmanager
def runserver(env: dict, port: int):
    """Django's development server for the site of ``env`` on loopback; its address."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process=server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextmanager
def demo_site(tmp_path_factory, *, name: str, region: str = "sichuan", after_seed=(), environment=None):
    """A region's embedded default (SQLite, no services) with its demo content, served on loopback.

    ``environment``: variables of its own (PORTAL_MAP_TILE_URL, …) over the test process's."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_REGION=region,
        PORTAL_VAR_DIR=str(tmp_path_factory.mktemp(f"browser-{name}")),
        **(environment or {}),
    )
    database = Path(env["PORTAL_VAR_DIR"]) / region / "db.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    # The backup API reads through the write-ahead log, which a plain file copy could miss.
    source, target = sqlite3.connect(_migrated_sqlite(env, region)), sqlite3.connect(database)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    manage("seed_demo", "--port", str(port), env=env)
    for command in after_seed:
        manage(*command, env=env)
    with runserver(env, port) as url:
        yield DemoSite(url=url, env=env)


DEMO_PASSWORD = "chuanyu-demo-2020"
# The TOTP secret each (site, username) enrolled with, so that a later sign-in can give a code.
_second_factor_secrets: dict[tuple[str, str], str] = {}


def admin_sign_in(
    page, base: str, username: str, password: str = DEMO_PASSWORD, *, next_url: str = "/admin/"
):
    """Sign in through the admin login as staff do; give the second factor when asked, enrolling
    first when the role needs one (codes computed from the shared secret, as an authenticator does)."""
    from tests.accounts.otp_codes import totp_code

    page.goto(f"{base}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/admin/two-factor/setup/" in page.url:
        secret = page.locator("#totp-secret").inner_text().strip()
        _second_factor_secrets[(base, username)] = secret
        page.fill("#id_token", totp_code(secret))
        page.click("button[type=submit]")
        page.locator(".recovery-codes li").first.wait_for()
        page.get_by_role("link", name="我已保存，继续").click()
    elif "/admin/two-factor/verify/" in page.url:
        # One step ahead: the code of the enrolment's step was already used.
        page.fill("#id_token", totp_code(_second_factor_secrets[(base, username)], steps_ahead=1))
        page.click("button[type=submit]")
    page.wait_for_url(base + next_url)
    return page


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium is not installed at {executable}: run `make test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            # Without the background-networking flags Chromium keeps dialling out of a
            # closed network.
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

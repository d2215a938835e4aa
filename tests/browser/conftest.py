"""Browser tests drive Debian's Chromium against demo sites served as `make run` serves them."""

import os
import subprocess
import sys
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


@contextmanager
def demo_site(tmp_path_factory, *, name: str, region: str = "sichuan", after_seed=()):
    """A region's embedded default (SQLite, no services) with its demo content, served on loopback."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_REGION=region,
        PORTAL_VAR_DIR=str(tmp_path_factory.mktemp(f"browser-{name}")),
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--port", str(port), env=env)
    for command in after_seed:
        manage(*command, env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process=server)
        yield DemoSite(url=f"http://127.0.0.1:{port}", env=env)
    finally:
        server.terminate()
        server.wait(timeout=20)


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

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import time_machine

from tests.support import clock
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    clock.session_clock_start()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """In a run of scripts/test.sh the test database is a copy of the one it migrated first."""
    from django.conf import settings

    from tests.support.live import RUN_TEMPLATE

    if os.environ.get(RUN_TEMPLATE):
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = os.environ[RUN_TEMPLATE]


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Each unit test starts at the suite's fixed instant (tests/support/clock.py).

    Tests that start sites, workers or a browser keep the session's clock, which every process
    the suite starts shares: it started at the same instant and ticks.
    """
    if request.node.get_closest_marker("services") or request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(clock.test_now(), tick=True) as traveller:
        yield traveller  # a test moves the clock on with fixed_clock.shift(seconds), never sleeps


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request to /en/ leaves English active in the
    thread, which would change what a later test's lazy strings say."""
    from django.utils import translation

    with translation.override(None):
        translation.activate("zh-hans")
        yield


def _require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`, which starts the services")
    return value


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _require_env("REDIS_URL")


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return _require_env("ELASTICSEARCH_URL")


@pytest.fixture(scope="session")
def database_url() -> str:
    return _require_env("DATABASE_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, *, timeout: float = 60, process: subprocess.Popen | None = None):
    def answers():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process serving {url} exited with {process.returncode}")
        try:
            requests.get(url, timeout=10)
        except requests.RequestException:
            return False  # refused while the server starts, or slow on its first request
        return True

    wait_until(answers, timeout=timeout, interval=0.25, what=f"{url} answering")


def manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def _tree_root():
    """The page tree's root and the default locale, as Wagtail's migrations make them: a test with a
    transactional database (run after the others) leaves the tables empty when it ends."""
    from django.conf import settings

    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def site_home(db):
    """A home page as the default site's root, without the modules' demo content."""
    from wagtail.models import Page, Site

    from portal.models import HomePage

    root = Page.get_first_root_node() or _tree_root()
    for page in root.get_children():
        page.delete()
    home = HomePage(title="川渝党史协作平台", slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    return home


@pytest.fixture
def home_page(db):
    """The region's seeded home page, the site root, as a real visitor meets it."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    from portal.models import HomePage

    return HomePage.objects.get()

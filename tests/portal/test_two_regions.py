"""Both regions served at once, each on its own PostgreSQL database, in both languages."""

import os
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT, free_port, manage, wait_for_http
from tests.support.live import database_for

pytestmark = pytest.mark.services

REGIONS = {"sichuan": "四川站", "chongqing": "重庆站"}


@pytest.fixture(scope="module")
def two_regions(database_url, redis_url, tmp_path_factory):
    servers = {}
    try:
        for region in REGIONS:
            port = free_port()
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings.test",
                "PORTAL_REGION": region,
                "DATABASE_URL": database_for(database_url, f"portal_live_{region}"),
                "REDIS_URL": redis_url,
                "PORTAL_VAR_DIR": str(tmp_path_factory.mktemp(region)),
            }
            manage("migrate", "--noinput", "-v0", env=env)
            manage("seed_demo", "--port", str(port), env=env)
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--env",
                    "DJANGO_SETTINGS_MODULE=portal.settings.test",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            servers[region] = (f"http://127.0.0.1:{port}", server)
        for url, server in servers.values():
            wait_for_http(f"{url}/healthz", process=server)
        yield {region: url for region, (url, _) in servers.items()}
    finally:
        for _, server in servers.values():
            server.terminate()
            server.wait(timeout=20)


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_serves_its_home_page_in_both_languages(two_regions, region):
    chinese = requests.get(f"{two_regions[region]}/", timeout=10)
    english = requests.get(f"{two_regions[region]}/en/", timeout=10)
    assert chinese.status_code == english.status_code == 200
    assert '<html lang="zh-hans">' in chinese.text and REGIONS[region] in chinese.text
    assert '<html lang="en">' in english.text
    region_en = {"sichuan": "Sichuan", "chongqing": "Chongqing"}[region]
    assert f"{region_en} site" in english.text


def test_each_region_reports_its_own_database(two_regions):
    reports = {r: requests.get(f"{u}/readyz", timeout=10).json() for r, u in two_regions.items()}
    assert {r: rep["region"] for r, rep in reports.items()} == {
        "sichuan": "sichuan",
        "chongqing": "chongqing",
    }
    assert all(rep["database"]["vendor"] == "postgresql" for rep in reports.values())

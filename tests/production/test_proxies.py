"""Who is believed behind the proxy: readiness details, forwarded headers, check --deploy."""

import re

import pytest
import requests

from .support import HOSTS, FromAddress, browser

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_readiness_details_are_not_given_to_a_reader_outside_through_nginx(production):
    """Every request reaches Django from nginx's address, which READINESS_ALLOWED_NETWORKS lists
    here; the details go only to the client nginx saw, never to an outside one, even a lying one."""
    url = production.url["sichuan"] + "/readyz"
    inside = production.session.get(url, timeout=10)
    assert inside.status_code == 200
    assert {"status", "database", "redis", "elasticsearch"} <= set(inside.json())
    outside = browser(production)
    outside.mount("https://", FromAddress("127.0.0.9"))
    for headers in ({}, {"X-Forwarded-For": "127.0.0.1"}, {"Forwarded": "for=127.0.0.1"}):
        answer = outside.get(url, headers=headers, timeout=10)
        assert answer.status_code == 404, headers
        assert not {"database", "redis", "elasticsearch"} & set(re.findall(r"[a-z]+", answer.text)), headers
    assert outside.get(production.url["sichuan"] + "/healthz", timeout=10).json() == {"status": "ok"}


def test_a_client_reaching_gunicorn_directly_cannot_pose_as_https(production):
    """Only Django judges forwarded headers (TRUSTED_PROXIES): gunicorn takes none from anyone."""
    sichuan = production.regions["sichuan"]
    direct = requests.Session()
    direct.trust_env = False
    direct.mount("http://", FromAddress("127.0.0.9"))
    answer = direct.get(
        f"http://127.0.0.1:{sichuan.port}/",
        headers={"Host": HOSTS["sichuan"], "X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 301 and answer.headers["Location"].startswith("https://"), answer.status_code


def test_check_deploy_is_clean_under_production_settings(production):
    result = production.regions["sichuan"].manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    reported = set(re.findall(r"\(([a-z_]+\.[EWC]\d+)\)", result.stdout + result.stderr))
    assert not reported, result.stdout + result.stderr

"""Headers, the trusted proxy, local API docs assets and `check --deploy` with production settings."""

import os
import subprocess
import sys

import pytest

from django.test import Client

from tests.conftest import ROOT
from tests.portal.test_settings import GOOD_PRODUCTION_ENV

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(home_page, client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "<script>" not in response.content.decode()


def test_wagtail_preview_may_be_framed_by_the_site_itself(home_page, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.get(f"/admin/pages/{home_page.pk}/edit/preview/?mode=")
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_forwarded_proto_counts_only_from_a_trusted_proxy(settings, rf):
    from portal.proxy import TrustedProxyMiddleware

    settings.TRUSTED_PROXIES = ["10.8.0.0/24"]
    seen = {}

    def view(request):
        seen.update(secure=request.is_secure(), client=request.META["REMOTE_ADDR"])
        return None

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    middleware = TrustedProxyMiddleware(view)
    middleware(
        rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4")
    )
    assert seen == {"secure": False, "client": "203.0.113.5"}
    middleware(
        rf.get(
            "/",
            REMOTE_ADDR="10.8.0.2",
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9",
        )
    )
    assert seen == {"secure": True, "client": "198.51.100.9"}


def test_api_docs_load_nothing_from_another_site(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_check_deploy_with_production_settings_reports_nothing():
    env = {**os.environ, **GOOD_PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_a_plain_http_address():
    env = {**os.environ, **GOOD_PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
    env["PORTAL_BASE_URL"] = "http://cq.example.org"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "PORTAL_BASE_URL must be an https://" in result.stderr


def test_liveness_is_never_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^sync/"]
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/").status_code == 301

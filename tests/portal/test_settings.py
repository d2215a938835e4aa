import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.exceptions import ImproperlyConfigured

from portal.settings.environment import read_environment
from tests.conftest import ROOT

GOOD_PRODUCTION_ENV = {
    "PORTAL_REGION": "chongqing",
    "SECRET_KEY": "k" * 20 + "9Xq2-v8Lr5Tz1Pw7Bn3Mc6Hd4Jf0Gs-ZyWx",
    "ALLOWED_HOSTS": "cq.example.org",
    "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "PORTAL_BASE_URL": "https://cq.example.org",
}


# Every way a process starts: manage.py, the WSGI module gunicorn loads, and the celery command.
ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "diffsettings", "--output", "unified"],
    "wsgi": [sys.executable, "-c", "import portal.wsgi"],
    "celery worker": [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker", "--pool=solo"],
    "celery beat": [str(Path(sys.executable).parent / "celery"), "-A", "portal", "beat"],
}


def run_production_check(entry_point="manage.py", **overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD_PRODUCTION_ENV}
    env.update(GOOD_PRODUCTION_ENV)
    env.update({k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        env.pop(key, None)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    return subprocess.run(
        ENTRY_POINTS[entry_point],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY is insecure"),
        ({"PORTAL_REGION": None}, "PORTAL_REGION is not set"),
        ({"PORTAL_REGION": "beijing"}, "PORTAL_REGION is 'beijing'"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:///tmp/x.sqlite3"}, "DATABASE_URL"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"PORTAL_PARTNERS": '[{"region": "sichuan"}]'}, "PORTAL_PARTNERS[0] lacks"),
    ],
)
def test_production_refuses_bad_settings_in_one_line(override, named):
    result = run_production_check(**override)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("portal: configuration error:")
    assert named in lines[0]


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS))
def test_every_entry_point_reports_a_configuration_error_as_the_same_line(entry_point):
    result = run_production_check(entry_point, SECRET_KEY=None)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["portal: configuration error: SECRET_KEY is not set"]


def test_production_starts_with_secure_settings():
    result = run_production_check()
    assert result.returncode == 0, result.stderr
    assert "+ PORTAL_REGION = 'chongqing'" in result.stdout
    assert "+ SESSION_COOKIE_SECURE = True" in result.stdout


def test_partner_list_is_parsed_from_json():
    partners = json.dumps(
        [
            {
                "region": "sichuan",
                "base_url": "https://sc.example.org/",
                "key_id": "k1",
                "secret": "s" * 40,
            }
        ]
    )
    env = read_environment({"PORTAL_REGION": "chongqing", "PORTAL_PARTNERS": partners})
    assert env.partners[0].region == "sichuan"
    assert env.partners[0].base_url == "https://sc.example.org"


def test_a_region_cannot_be_its_own_partner():
    partners = json.dumps([{"region": "chongqing", "base_url": "https://x", "key_id": "k", "secret": "s"}])
    with pytest.raises(ImproperlyConfigured, match="not a partner of chongqing"):
        read_environment({"PORTAL_REGION": "chongqing", "PORTAL_PARTNERS": partners})

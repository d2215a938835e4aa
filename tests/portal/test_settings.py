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


def test_deployment_integrations_are_read_from_the_environment():
    env = read_environment(
        {
            "PORTAL_REGION": "sichuan",
            "CLAMAV_ADDRESS": "clamd:3310",
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_HOST_USER": "portal",
            "EMAIL_HOST_PASSWORD": "secret",
            "EMAIL_USE_TLS": "true",
            "DEFAULT_FROM_EMAIL": "portal@example.org",
            "SENTRY_DSN": "https://key@sentry.example.org/1",
            "ELASTICSEARCH_URL": "https://es1:9200,https://es2:9200",
            "ELASTICSEARCH_CA_CERTS": "/etc/portal/es-ca.pem",
            "ELASTICSEARCH_SHARDS": "3",
            "ELASTICSEARCH_REPLICAS": "1",
            "MEDIA_S3_BUCKET": "portal-media",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
            "MATERIALS_PRIVATE_ROOT": "/srv/portal/private",
            "PRIVATE_FILES_ACCEL_PREFIX": "/_private",
            "LOG_FORMAT": "json",
            "SYNC_CA_CERTS": "/etc/portal/partners-ca.pem",
        }
    )
    assert env.clamav_address == "clamd:3310"
    assert (env.email.host, env.email.port, env.email.use_tls) == ("smtp.example.org", 587, True)
    assert env.email.default_from == "portal@example.org"
    assert env.sentry_dsn.startswith("https://")
    assert (env.elasticsearch_shards, env.elasticsearch_replicas) == (3, 1)
    assert str(env.elasticsearch_ca_certs) == "/etc/portal/es-ca.pem"
    assert env.media_s3.bucket == "portal-media"
    assert str(env.materials_private_root) == "/srv/portal/private"
    assert env.private_files_accel_prefix == "/_private/"
    assert env.log_format == "json"
    assert str(env.sync_ca_certs) == "/etc/portal/partners-ca.pem"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("CLAMAV_ADDRESS", "clamd", "CLAMAV_ADDRESS must be host:port"),
        ("ELASTICSEARCH_SHARDS", "0", "ELASTICSEARCH_SHARDS must be at least 1"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be a whole number"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be plain or json"),
    ],
)
def test_a_bad_integration_value_is_named(variable, value, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        read_environment({"PORTAL_REGION": "sichuan", "EMAIL_HOST": "smtp", variable: value})


def test_production_keeps_private_files_out_of_the_published_media_root(tmp_path):
    refused = run_production_check(
        MEDIA_ROOT=str(tmp_path / "media"), MATERIALS_PRIVATE_ROOT=str(tmp_path / "media" / "private")
    )
    assert refused.returncode != 0
    assert "MATERIALS_PRIVATE_ROOT must not lie under MEDIA_ROOT" in refused.stderr
    default = run_production_check(MEDIA_ROOT=str(tmp_path / "media"), MATERIALS_PRIVATE_ROOT=None)
    assert default.returncode == 0, default.stderr
    assert "MATERIALS_PRIVATE_ROOT" in default.stdout
    assert str(tmp_path / "media") + "/private" not in default.stdout


def test_a_redis_that_stops_answering_fails_the_cache_call_instead_of_holding_the_worker():
    import socket
    import threading

    from django.core.cache.backends.redis import RedisCache

    from portal.settings import base

    if "OPTIONS" not in base.CACHES["default"]:
        pytest.skip("no REDIS_URL: the cache is the local-memory one")
    silent = socket.socket()  # accepts connections (the kernel's backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    config = base.CACHES["default"]
    cache = RedisCache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", {**config, "LOCATION": None})
    outcome = []

    def read():
        try:
            cache.get("anything")
        except Exception as error:  # noqa: BLE001 - which error it is, is the assertion
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(30)  # a bound on waiting for the outcome, not a speed figure
    silent.close()
    assert outcome and "timeout" in type(outcome[0]).__name__.lower(), outcome

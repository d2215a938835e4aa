import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_configured_service(client, settings, redis_url, elasticsearch_url):
    settings.REDIS_URL = redis_url
    settings.ELASTICSEARCH_URL = elasticsearch_url
    response = client.get("/healthz")
    report = response.json()
    assert response.status_code == 200, report
    assert report["database"] == {
        "ok": True,
        "vendor": "postgresql",
        "ms": report["database"]["ms"],
    }
    assert report["redis"]["ok"] and report["redis"]["version"]
    assert report["elasticsearch"]["ok"] and report["elasticsearch"]["version"].startswith("8.")


def test_healthz_degrades_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.ELASTICSEARCH_URL = None
    response = client.get("/healthz")
    report = response.json()
    assert response.status_code == 503
    assert report["status"] == "degraded"
    assert report["redis"]["ok"] is False and "Connection" in report["redis"]["error"]
    assert report["elasticsearch"] == {"configured": False}

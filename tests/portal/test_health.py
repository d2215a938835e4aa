import pytest

pytestmark = pytest.mark.django_db


def test_readiness_reports_every_configured_service(client, settings, redis_url, elasticsearch_url):
    settings.REDIS_URL = redis_url
    settings.ELASTICSEARCH_URL = elasticsearch_url
    response = client.get("/readyz")
    report = response.json()
    assert response.status_code == 200, report
    assert report["database"] == {
        "ok": True,
        "vendor": "postgresql",
        "ms": report["database"]["ms"],
    }
    assert report["redis"]["ok"] and report["redis"]["version"]
    assert report["elasticsearch"]["ok"] and report["elasticsearch"]["version"].startswith("8.")


def test_readiness_degrades_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.ELASTICSEARCH_URL = None
    response = client.get("/readyz")
    report = response.json()
    assert response.status_code == 503
    assert report["status"] == "degraded"
    assert report["redis"]["ok"] is False and "Connection" in report["redis"]["error"]
    assert report["elasticsearch"] == {"configured": False}


def test_livez_answers_without_asking_any_service(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # an outage is not a reason to restart the process
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_is_public_and_says_nothing_more(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_answers_only_internal_addresses(client, settings):
    settings.READINESS_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    assert client.get("/readyz", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert client.get("/readyz", REMOTE_ADDR="10.1.2.3").json()["database"]["ok"] is True


def test_readiness_error_names_no_host_or_port(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.ELASTICSEARCH_URL = None
    error = client.get("/readyz").json()["redis"]["error"]
    assert "127.0.0.1" not in error and ":1" not in error


def test_every_response_carries_a_request_id(client):
    generated = client.get("/livez")["X-Request-ID"]
    assert len(generated) == 32
    given = client.get("/livez", headers={"X-Request-ID": "nginx-1234abcd"})
    assert given["X-Request-ID"] == "nginx-1234abcd"
    # A header that could forge log lines is replaced.
    assert client.get("/livez", headers={"X-Request-ID": "bad id\nx"})["X-Request-ID"] != "bad id\nx"


def test_readiness_probes_reuse_their_connections(client, settings, redis_url, elasticsearch_url):
    import redis

    settings.REDIS_URL = redis_url
    settings.ELASTICSEARCH_URL = elasticsearch_url
    observer = redis.Redis.from_url(redis_url)
    client.get("/readyz")  # the first probe may connect

    def connections_received():
        return observer.info("stats")["total_connections_received"]

    before = connections_received()
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert connections_received() - before == 0


def test_readiness_probes_share_one_client_per_service_across_requests_and_threads(
    client, settings, redis_url, elasticsearch_url, monkeypatch
):
    import threading

    from portal import health

    settings.REDIS_URL = redis_url
    settings.ELASTICSEARCH_URL = elasticsearch_url
    monkeypatch.setattr(health, "_clients", {})
    built = []
    original = health._client

    def recording(kind, url, build):
        client = original(kind, url, build)
        built.append((kind, id(client)))
        return client

    monkeypatch.setattr(health, "_client", recording)
    assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").status_code == 200
    by_kind = {kind: {ident for k, ident in built if k == kind} for kind in ("redis", "elasticsearch")}
    assert len(built) == 4 and all(len(idents) == 1 for idents in by_kind.values()), by_kind

    # Threads that probe at once still build a single client.
    monkeypatch.setattr(health, "_clients", {})
    builds = []
    start = threading.Barrier(8)

    def probe():
        start.wait()
        health._client("slow", "x://", lambda: builds.append(object()) or builds[-1])

    threads = [threading.Thread(target=probe) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1

"""Probes of the services a region depends on, for GET /readyz (internal addresses only)."""

import threading
import time

from django.conf import settings
from django.db import connection


def _timed(probe):
    started = time.perf_counter()
    try:
        detail = probe()
        state = {"ok": True, **detail}
    except Exception as error:  # noqa: BLE001 — any failure is reported, not raised
        # The type only: messages carry internal host:port.
        state = {"ok": False, "error": type(error).__name__}
    state["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return state


def database_probe() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


# One client per address for the life of the process: a probe every few seconds reuses its
# connection instead of opening (and tearing down) a new one each time. Both clients keep a
# thread-safe connection pool, so the threads of a worker share them; the lock only keeps two
# first probes from each building one.
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _client(kind: str, url: str, build):
    key = (kind, url, settings.HEALTHCHECK_TIMEOUT_SECONDS)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = build()
    return client


def redis_probe() -> dict:
    import redis

    client = _client(
        "redis",
        settings.REDIS_URL,
        lambda: redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
            socket_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
        ),
    )
    client.ping()
    return {"version": client.info("server").get("redis_version")}


def elasticsearch_probe() -> dict:
    from elasticsearch import Elasticsearch

    from .elasticsearch import elasticsearch_client_options

    client = _client(
        "elasticsearch",
        settings.ELASTICSEARCH_URL,
        lambda: Elasticsearch(
            **elasticsearch_client_options(request_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS)
        ),
    )
    health = client.cluster.health()
    return {"version": client.info()["version"]["number"], "status": health["status"]}


def health_report() -> dict:
    checks = {"database": _timed(database_probe)}
    checks["redis"] = _timed(redis_probe) if settings.REDIS_URL else {"configured": False}
    checks["elasticsearch"] = (
        _timed(elasticsearch_probe) if settings.ELASTICSEARCH_URL else {"configured": False}
    )
    healthy = all(check.get("ok", True) for check in checks.values())
    return {"status": "ok" if healthy else "degraded", "region": settings.PORTAL_REGION, **checks}


def is_ready() -> bool:
    """Ready for traffic: every configured service answers (the details stay in health_report)."""
    return health_report()["status"] == "ok"

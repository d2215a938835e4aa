"""The one place that reads the process environment.

Every setting that varies between deployments comes from here; the settings
modules only arrange what this module parsed.
"""

import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REGIONS = ("sichuan", "chongqing")

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Partner:
    region: str
    base_url: str
    key_id: str
    secret: str


@dataclass(frozen=True)
class Environment:
    region: str
    region_explicit: bool
    debug: bool
    secret_key: str | None
    allowed_hosts: list[str]
    database_url: str | None
    redis_url: str | None
    celery_broker_url: str | None
    elasticsearch_url: str | None
    base_url: str | None
    partners: list[Partner] = field(default_factory=list)
    media_root: Path | None = None
    static_root: Path | None = None
    var_dir: Path = BASE_DIR / "var"
    trusted_proxies: list[str] = field(default_factory=list)
    readiness_networks: list[str] = field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])


def _flag(name: str, value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _region(value: str | None, default: str | None) -> str:
    region = (value or default or "").strip().lower()
    if not region:
        raise ImproperlyConfigured("PORTAL_REGION is not set: use sichuan or chongqing")
    if region not in REGIONS:
        raise ImproperlyConfigured(f"PORTAL_REGION is {region!r}: use sichuan or chongqing")
    return region


def _partners(raw: str | None, region: str) -> list[Partner]:
    """Parse PORTAL_PARTNERS, a JSON list of {region, base_url, key_id, secret}."""
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"PORTAL_PARTNERS is not valid JSON: {error}") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured("PORTAL_PARTNERS must be a JSON list of partners")
    partners = []
    for position, entry in enumerate(entries):
        missing = [
            key
            for key in ("region", "base_url", "key_id", "secret")
            if not isinstance(entry, dict) or not entry.get(key)
        ]
        if missing:
            raise ImproperlyConfigured(f"PORTAL_PARTNERS[{position}] lacks {', '.join(missing)}")
        if entry["region"] not in REGIONS or entry["region"] == region:
            raise ImproperlyConfigured(
                f"PORTAL_PARTNERS[{position}] names region {entry['region']!r}, "
                f"which is not a partner of {region}"
            )
        partners.append(
            Partner(
                region=entry["region"],
                base_url=entry["base_url"].rstrip("/"),
                key_id=entry["key_id"],
                secret=entry["secret"],
            )
        )
    return partners


def _networks(name: str, raw: str | None) -> list[str] | None:
    """A comma-separated list of addresses or networks (CIDR), as normalised strings."""
    if raw is None:
        return None
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(f"{name} lists {item!r}, which is not an address or network") from None
    return networks


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser().resolve() if value else None


def read_environment(
    environ: os._Environ | dict | None = None, *, default_region: str | None = None
) -> Environment:
    env = os.environ if environ is None else environ
    region = _region(env.get("PORTAL_REGION"), default_region)
    hosts = [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    redis_url = env.get("REDIS_URL") or None
    return Environment(
        region=region,
        region_explicit=bool(env.get("PORTAL_REGION")),
        debug=_flag("DEBUG", env.get("DEBUG"), default=False),
        secret_key=env.get("SECRET_KEY") or None,
        allowed_hosts=hosts,
        database_url=env.get("DATABASE_URL") or None,
        redis_url=redis_url,
        celery_broker_url=env.get("CELERY_BROKER_URL") or redis_url,
        elasticsearch_url=env.get("ELASTICSEARCH_URL") or None,
        base_url=(env.get("PORTAL_BASE_URL") or "").rstrip("/") or None,
        partners=_partners(env.get("PORTAL_PARTNERS"), region),
        media_root=_path(env.get("MEDIA_ROOT")),
        static_root=_path(env.get("STATIC_ROOT")),
        var_dir=_path(env.get("PORTAL_VAR_DIR")) or BASE_DIR / "var",
        trusted_proxies=_networks("TRUSTED_PROXIES", env.get("TRUSTED_PROXIES")) or [],
        readiness_networks=_networks("READINESS_ALLOWED_NETWORKS", env.get("READINESS_ALLOWED_NETWORKS"))
        or ["127.0.0.0/8", "::1/128"],
    )

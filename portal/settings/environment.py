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
    # Where this region's workers reach the partner (a host name its ALLOWED_HOSTS accepts).
    base_url: str
    key_id: str
    secret: str
    # The partner's address as readers know it, for links shown on pages; base_url when not given.
    public_url: str = ""

    def __post_init__(self):
        if not self.public_url:
            object.__setattr__(self, "public_url", self.base_url)


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
    clamav_address: str | None = None
    email: "Email | None" = None
    sentry_dsn: str | None = None
    elasticsearch_ca_certs: Path | None = None
    elasticsearch_shards: int = 1
    elasticsearch_replicas: int = 0
    media_s3: "MediaS3 | None" = None
    materials_private_root: Path | None = None
    private_files_accel_prefix: str | None = None
    log_format: str = "plain"
    sync_ca_certs: Path | None = None
    trusted_proxies: list[str] = field(default_factory=list)
    readiness_networks: list[str] = field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])
    map_tile_url: str = ""
    map_attribution: str = ""

    @property
    def map_tile_origin(self) -> str | None:
        """Where the map's tiles come from, for the CSP's img-src: ``{s}`` (a, b, c) as a wildcard."""
        if not self.map_tile_url:
            return None
        scheme, _sep, rest = self.map_tile_url.partition("://")
        host = rest.split("/", 1)[0]
        if "{s}" in host:
            host = "*." + host.split(".", 1)[1]
        return f"{scheme}://{host}"


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    default_from: str | None


@dataclass(frozen=True)
class MediaS3:
    bucket: str
    endpoint_url: str | None
    region: str | None
    access_key_id: str | None
    secret_access_key: str | None
    custom_domain: str | None


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
    """Parse PORTAL_PARTNERS, a JSON list of {region, base_url, key_id, secret[, public_url]}."""
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
        for key in ("base_url", "public_url"):
            if entry.get(key) is not None and not str(entry[key]).startswith(("http://", "https://")):
                raise ImproperlyConfigured(
                    f"PORTAL_PARTNERS[{position}] {key} must start with http:// or https://"
                )
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
                public_url=_partner_url(entry.get("public_url"), position),
            )
        )
    return partners


def _partner_url(value, position: int) -> str:
    return str(value).rstrip("/") if value else ""


def _int(name: str, value: str | None, default: int, *, minimum: int = 0) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return number


def _email(env) -> Email | None:
    host = env.get("EMAIL_HOST") or None
    if host is None:
        return None
    use_tls = _flag("EMAIL_USE_TLS", env.get("EMAIL_USE_TLS"), default=False)
    use_ssl = _flag("EMAIL_USE_SSL", env.get("EMAIL_USE_SSL"), default=False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one")
    return Email(
        host=host,
        port=_int("EMAIL_PORT", env.get("EMAIL_PORT"), 465 if use_ssl else 587 if use_tls else 25, minimum=1),
        user=env.get("EMAIL_HOST_USER", ""),
        password=env.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        default_from=env.get("DEFAULT_FROM_EMAIL") or None,
    )


def _media_s3(env) -> MediaS3 | None:
    bucket = env.get("MEDIA_S3_BUCKET") or None
    if bucket is None:
        return None
    return MediaS3(
        bucket=bucket,
        endpoint_url=env.get("MEDIA_S3_ENDPOINT_URL") or None,
        region=env.get("MEDIA_S3_REGION") or None,
        access_key_id=env.get("MEDIA_S3_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        custom_domain=env.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
    )


def _clamav(value: str | None) -> str | None:
    if not value:
        return None
    _host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit():
        raise ImproperlyConfigured(f"CLAMAV_ADDRESS must be host:port, not {value!r}")
    return value.strip()


def _accel_prefix(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith("/"):
        raise ImproperlyConfigured(
            f"PRIVATE_FILES_ACCEL_PREFIX must be a path such as /_private/, not {value!r}"
        )
    return value.rstrip("/") + "/"


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


def _map_tile_url(value: str | None) -> str:
    """PORTAL_MAP_TILE_URL: a Leaflet tile template, https://host/{z}/{x}/{y}.png; empty: no map."""
    url = (value or "").strip()
    if not url:
        return ""
    scheme, sep, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme not in ("http", "https") or not host or "/" not in rest:
        raise ImproperlyConfigured(f"PORTAL_MAP_TILE_URL must be an http(s) address, not {url!r}")
    if any(part not in url for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured("PORTAL_MAP_TILE_URL must contain {z}, {x} and {y}")
    # The CSP names the host: a placeholder may only stand for the whole first label's subdomain.
    if "{" in host.replace("{s}", "") or ("{s}" in host and "{s}" not in host.split(".", 1)[0]):
        raise ImproperlyConfigured("PORTAL_MAP_TILE_URL may use only {s} in its host, in the first label")
    if any(c.isspace() or c in "'\"<>;," for c in url):
        raise ImproperlyConfigured("PORTAL_MAP_TILE_URL contains spaces, quotes or separators")
    return url


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
        clamav_address=_clamav(env.get("CLAMAV_ADDRESS")),
        email=_email(env),
        sentry_dsn=env.get("SENTRY_DSN") or None,
        elasticsearch_ca_certs=_path(env.get("ELASTICSEARCH_CA_CERTS")),
        elasticsearch_shards=_int("ELASTICSEARCH_SHARDS", env.get("ELASTICSEARCH_SHARDS"), 1, minimum=1),
        elasticsearch_replicas=_int("ELASTICSEARCH_REPLICAS", env.get("ELASTICSEARCH_REPLICAS"), 0),
        media_s3=_media_s3(env),
        materials_private_root=_path(env.get("MATERIALS_PRIVATE_ROOT")),
        private_files_accel_prefix=_accel_prefix(env.get("PRIVATE_FILES_ACCEL_PREFIX")),
        log_format=_log_format(env.get("LOG_FORMAT")),
        sync_ca_certs=_path(env.get("SYNC_CA_CERTS")),
        trusted_proxies=_networks("TRUSTED_PROXIES", env.get("TRUSTED_PROXIES")) or [],
        readiness_networks=_networks("READINESS_ALLOWED_NETWORKS", env.get("READINESS_ALLOWED_NETWORKS"))
        or ["127.0.0.0/8", "::1/128"],
        map_tile_url=_map_tile_url(env.get("PORTAL_MAP_TILE_URL")),
        map_attribution=(env.get("PORTAL_MAP_ATTRIBUTION") or "").strip(),
    )


def _log_format(value: str | None) -> str:
    fmt = (value or "plain").strip().lower()
    if fmt not in {"plain", "json"}:
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {value!r}")
    return fmt

"""Production: every integration is on when its variable is set; insecure values stop startup."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ENV, MEDIA_ROOT, MEDIA_STORAGE, PORTAL_REGION, SENTRY_DSN, VAR_DIR

INSECURE_KEY_MARKERS = ("django-insecure", "dev-only", "test-only", "change-me", "changeme")


def _refuse(message: str) -> None:
    raise ImproperlyConfigured(message)


if not ENV.region_explicit:
    _refuse("PORTAL_REGION is not set: use sichuan or chongqing")
if ENV.debug:
    _refuse("DEBUG must be off in production")
if not ENV.secret_key:
    _refuse("SECRET_KEY is not set")
if len(ENV.secret_key) < 50 or any(m in ENV.secret_key.lower() for m in INSECURE_KEY_MARKERS):
    _refuse("SECRET_KEY is insecure: use at least 50 random characters")
if not ENV.allowed_hosts or "*" in ENV.allowed_hosts:
    _refuse("ALLOWED_HOSTS must list this site's host names (no '*')")
if not ENV.database_url or not ENV.database_url.startswith(("postgres://", "postgresql://")):
    _refuse("DATABASE_URL must point at PostgreSQL in production")
if not ENV.redis_url:
    _refuse("REDIS_URL is not set (Celery broker, results and cache)")
if not ENV.base_url:
    _refuse("PORTAL_BASE_URL is not set (the site's public address)")
if not ENV.base_url.startswith("https://"):
    _refuse("PORTAL_BASE_URL must be an https:// address in production")
for partner in ENV.partners:
    if len(partner.secret) < 32:
        _refuse(f"PORTAL_PARTNERS secret for {partner.region} is shorter than 32 characters")

DEBUG = False
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = [ENV.base_url]

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Believed only from TRUSTED_PROXIES: portal.proxy drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# Probes and the signed region-to-region endpoints are called on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^sync/"]
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# portal.wsgi refuses to serve while a seeded demo account keeps the demo password.
PORTAL_REFUSE_DEMO_PASSWORDS = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# A proxy serves MEDIA_ROOT as it is: non-public material files live outside it.
MATERIALS_PRIVATE_ROOT = ENV.materials_private_root or VAR_DIR / PORTAL_REGION / "private"
if MATERIALS_PRIVATE_ROOT.is_relative_to(MEDIA_ROOT):
    _refuse("MATERIALS_PRIVATE_ROOT must not lie under MEDIA_ROOT, which the proxy publishes")

if SENTRY_DSN:
    import sentry_sdk

    # Django and Celery integrations switch on by themselves; no personal data is sent.
    sentry_sdk.init(dsn=SENTRY_DSN, environment=PORTAL_REGION, send_default_pii=False)

"""Settings shared by every deployment; values that vary come from ``environment``."""

from datetime import timedelta

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR, read_environment

ENV = read_environment(default_region="sichuan")

PROJECT_DIR = BASE_DIR / "portal"
PORTAL_REGION = ENV.region
PORTAL_PARTNERS = ENV.partners
PORTAL_REGION_NAMES = {"sichuan": _("四川"), "chongqing": _("重庆")}

DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts

# The collaboration modules; each may provide urls, demo (seed) and roles modules.
PORTAL_MODULES = ["materials", "research", "events", "training", "publicity"]

INSTALLED_APPS = [
    "portal",
    "accounts",
    "audit",
    "search",
    *PORTAL_MODULES,
    "sync",
    "django_tasks",
    "wagtail.api.v3",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Django Ninja's own Swagger UI files, so /api/docs/ loads nothing from a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sitemaps",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "portal.proxy.TrustedProxyMiddleware",
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.page_cache.AnonymousPageCacheMiddleware",
]
# Anonymous pages, feeds and API answers are served from the cache until content changes
# (portal.page_cache); the lifetime only bounds pages that depend on the time of day (upcoming events).
# Only with Redis: a per-process cache would not see the changes a worker applies.
PORTAL_PAGE_CACHE_SECONDS = 120 if ENV.redis_url else 0
# Kept until content changes (the content generation), for signed-in readers too: a list's filter menus,
# and the parts of pages every reader of a kind shares (the menu, the calendar's occurrences, courses).
PORTAL_FILTER_CACHE_SECONDS = 3600 if ENV.redis_url else 0
PORTAL_CONTENT_CACHE_SECONDS = 3600 if ENV.redis_url else 0

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
        },
    },
]

VAR_DIR = ENV.var_dir
if not ENV.database_url:
    # The embedded default keeps each region's SQLite file, media and broker here.
    for folder in ("broker", "broker-control", "results"):
        (VAR_DIR / PORTAL_REGION / folder).mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        ENV.database_url or f"sqlite:///{VAR_DIR / PORTAL_REGION / 'db.sqlite3'}",
        conn_max_age=60, conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run: a web process and a worker share each file; take the write lock up front and
    # wait for it, instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Identification and authentication (GB/T 22239-2019 8.1.4.1): see README "Security".
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"minimum": 3}},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.LoginForm"
# An account, and separately a source address, is locked for 30 minutes after 5 failures in 15.
ACCOUNTS_LOCKOUT_FAILURES = 5
ACCOUNTS_LOCKOUT_WINDOW = timedelta(minutes=15)
ACCOUNTS_LOCKOUT_DURATION = timedelta(minutes=30)
# Signed-in sessions end after 30 idle minutes.
ACCOUNTS_IDLE_TIMEOUT = timedelta(minutes=30)
# Superusers and these roles must sign in with a second factor; every staff member may enrol.
ACCOUNTS_SECOND_FACTOR_ENFORCED = True
ACCOUNTS_SECOND_FACTOR_ROLES = ["reviewer", "administrator"]
OTP_TOTP_ISSUER = "川渝党史协作平台"

# Simplified Chinese first; English ships beside it.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Our own display formats for zh-hans and en (portal/formats); see portal.dates.
FORMAT_MODULE_PATH = ["portal.formats"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = ENV.static_root or VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = ENV.media_root or VAR_DIR / PORTAL_REGION / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Celery: the broker is Redis when REDIS_URL is set; the embedded default uses
# kombu's filesystem transport, with atomic writes and claims (portal.broker), so that
# `make run` needs no server.
CELERY_BROKER_URL = ENV.celery_broker_url or "filesystem://localhost/"
CELERY_BROKER_TRANSPORT = None if ENV.celery_broker_url else "portal.broker:Transport"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if ENV.celery_broker_url
    else {
        "data_folder_in": str(VAR_DIR / PORTAL_REGION / "broker"),
        "data_folder_out": str(VAR_DIR / PORTAL_REGION / "broker"),
        "control_folder": str(VAR_DIR / PORTAL_REGION / "broker-control"),
    }
)
CELERY_RESULT_BACKEND = ENV.redis_url or f"file://{VAR_DIR / PORTAL_REGION / 'results'}"
CELERY_TASK_DEFAULT_QUEUE = f"{PORTAL_REGION}.default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_RESULT_EXPIRES = 3600
# Celery's Django fixup opens a connection per task without it; portal/celery.py applies Django's rule.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_IGNORE_RESULT = True  # only portal.ping's caller waits for a result (it says so)
# Workers log through LOGGING above (JSON in production), not Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each region's queues carry its name, so two regions may share one Redis.
CELERY_TASK_ROUTES = {
    "portal.*": {"queue": f"{PORTAL_REGION}.default"},
    "search.*": {"queue": f"{PORTAL_REGION}.search"},
    "sync.*": {"queue": f"{PORTAL_REGION}.sync"},
    # Reading documents' text (OCR) takes minutes: a queue of its own, never in the way of the rest.
    "materials.extract_file_text": {"queue": f"{PORTAL_REGION}.extract"},
}
# With Redis, beat runs only while it holds the region's lock (portal/beat.py): one beat per region.
if ENV.redis_url:
    CELERY_BEAT_SCHEDULER = "portal.beat.LockedScheduler"
CELERY_WORKER_QUEUES = [f"{PORTAL_REGION}.{name}" for name in ("default", "search", "sync", "extract")]
# Schedules in one place. sync: pull each partner's change feed every few seconds
# (nudges make it faster; this catches up whatever a lost nudge missed).
CELERY_BEAT_SCHEDULE: dict = {
    f"sync-{job}-{partner.region}": {
        "task": f"sync.{task}",
        "schedule": 5.0,
        "args": [partner.region],
        "options": {"expires": 5.0},
    }
    for partner in PORTAL_PARTNERS
    for job, task in (("pull", "pull_partner"), ("send", "send_commands"))
}
# Refused requests to /sync/ are counted per source and reason, and forgotten after a while.
CELERY_BEAT_SCHEDULE["sync-prune-refused"] = {"task": "sync.prune_refused", "schedule": 3600.0}
# The security audit log keeps 180 days (等保 2.0 asks for at least six months), pruned daily.
CELERY_BEAT_SCHEDULE["audit-prune"] = {"task": "audit.prune", "schedule": 24 * 3600.0}
SYNC_REFUSED_KEEP_DAYS = 30
SYNC_REFUSED_MAX_ROWS = 1000
# A partner's feed page (or record) is refused beyond this many bytes; files are capped by
# their declared size and MATERIALS_MAX_UPLOAD_BYTES.
SYNC_PAGE_MAX_BYTES = 8 * 1024 * 1024
SYNC_MANIFEST_MAX_BYTES = 64 * 1024 * 1024

# Wagtail's own background jobs (reference index, image renditions, file
# deletion) run on django-tasks; this backend hands them to Celery.
TASKS = {"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}

# Reading the text of materials' files (materials/extraction.py), per file: a file over a
# limit keeps the pages read so far and is marked with its reason.
MATERIALS_EXTRACT_MAX_PAGES = 500
MATERIALS_EXTRACT_SECONDS = 1800
MATERIALS_EXTRACT_MEMORY_MB = 1536
MATERIALS_OCR_LANGUAGES = "chi_sim"  # Debian's tesseract-ocr-chi-sim; chi_sim_vert is tried for 竖排 pages
MATERIALS_OCR_DPI = 300

REDIS_URL = ENV.redis_url
# One node or a comma-separated list of nodes of one cluster.
ELASTICSEARCH_URL = ENV.elasticsearch_url
ELASTICSEARCH_CA_CERTS = ENV.elasticsearch_ca_certs
SEARCH_INDEX_PREFIX = f"portal-{PORTAL_REGION}"
SEARCH_INDEX_SHARDS = ENV.elasticsearch_shards
SEARCH_INDEX_REPLICAS = ENV.elasticsearch_replicas

# Uploads are scanned by this clamd (host:port) when it is set.
CLAMAV_ADDRESS = ENV.clamav_address
# Non-public material files; None keeps them under MEDIA_ROOT/private (production moves them out).
MATERIALS_PRIVATE_ROOT = ENV.materials_private_root
# When nginx fronts the site, the download view answers with X-Accel-Redirect to
# <prefix><path under MATERIALS_PRIVATE_ROOT>, an internal nginx location, after its access check.
PRIVATE_FILES_ACCEL_PREFIX = ENV.private_files_accel_prefix

if ENV.email:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ENV.email.host
    EMAIL_PORT = ENV.email.port
    EMAIL_HOST_USER = ENV.email.user
    EMAIL_HOST_PASSWORD = ENV.email.password
    EMAIL_USE_TLS = ENV.email.use_tls
    EMAIL_USE_SSL = ENV.email.use_ssl
    EMAIL_TIMEOUT = 30
    if ENV.email.default_from:
        DEFAULT_FROM_EMAIL = SERVER_EMAIL = ENV.email.default_from

# Public media on an S3-compatible store when MEDIA_S3_BUCKET is set (material files stay private, on disk).
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ENV.media_s3.bucket,
            "endpoint_url": ENV.media_s3.endpoint_url,
            "region_name": ENV.media_s3.region,
            "access_key": ENV.media_s3.access_key_id,
            "secret_key": ENV.media_s3.secret_access_key,
            "custom_domain": ENV.media_s3.custom_domain,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    if ENV.media_s3
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)

SENTRY_DSN = ENV.sentry_dsn
# CA bundle for the partners' https addresses when they use a private CA (default: the system's).
SYNC_CA_CERTS = ENV.sync_ca_certs

# Two regions may share one Redis: sessions and cached renditions stay each region's own. A Redis
# that stops answering fails a call in seconds (pages are then built fresh), not the kernel's timeout.
_REDIS_CACHE = {"socket_connect_timeout": 1, "socket_timeout": 2}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"portal-{PORTAL_REGION}", "OPTIONS": _REDIS_CACHE}  # fmt: skip
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

WAGTAIL_SITE_NAME = "川渝党史协作平台"
WAGTAILADMIN_BASE_URL = ENV.base_url or "http://127.0.0.1:8001"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
# Wagtail's admin search runs on its database backend in every deployment; the
# public search across regions has its own Elasticsearch index (search/).
# search/: on PostgreSQL no whole-index scan per save; on SQLite (make run) two workers may index a record.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.wagtail_backend"
        if DATABASES["default"]["ENGINE"].endswith("postgresql")
        else "search.wagtail_sqlite_backend"
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ofd", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILAPI_DOCS_ENABLED = True
# No third-party requests from the admin (avatars would come from gravatar.com).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Headers. Wagtail's preview sets SAMEORIGIN on its own views; everything else is DENY.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from this site: no inline scripts, no eval (templates keep scripts in static files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *filter(None, [ENV.map_tile_origin])],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Red-heritage maps: Leaflet tiles from here, allowed in img-src above (empty: no map, text only).
PORTAL_MAP_TILE_URL = ENV.map_tile_url
PORTAL_MAP_ATTRIBUTION = ENV.map_attribution
# Forwarded headers count only from these proxies; /readyz answers only these networks.
TRUSTED_PROXIES = ENV.trusted_proxies
READINESS_ALLOWED_NETWORKS = ENV.readiness_networks

HEALTHCHECK_TIMEOUT_SECONDS = 2

# LOG_FORMAT=json: one JSON object a line, each with the request id (also in the tasks it queued).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": ENV.log_format,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "celery": {"level": "INFO"},
        "portal": {"level": "INFO"},
        "search": {"level": "INFO"},
        "jieba": {"level": "WARNING"},
    },
}

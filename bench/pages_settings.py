"""Settings for bench/pages.py's server: production behaviour (DEBUG off, Redis cache) on the test bed."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import REDIS_URL

DEBUG = False
SECRET_KEY = "bench-pages-" + "x" * 50
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.pages_urls"
SEARCH_INDEX_PREFIX = os.environ.get("BENCH_SEARCH_INDEX_PREFIX", "bench-pages")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The signed-in reader is an editor; the benchmark does not drive the second factor.
ACCOUNTS_SECOND_FACTOR_ENFORCED = False
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "bench-pages"),
    }
}

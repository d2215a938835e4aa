from .base import *  # noqa: F403
from .base import ENV

DEBUG = False
SECRET_KEY = ENV.secret_key or "test-only-insecure-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run Wagtail's background jobs inline; tests/test_celery.py drives
# the Celery-backed task backend against a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CELERY_TASK_ALWAYS_EAGER = False
# Test runs use several databases at once; a shared Redis cache would mix their
# Wagtail site caches, so each test process keeps its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests roll back instead of committing, so the page cache would never see a change;
# tests/portal/test_page_cache.py turns it on against the real Redis.
PORTAL_PAGE_CACHE_SECONDS = 0
PORTAL_FILTER_CACHE_SECONDS = 0
PORTAL_CONTENT_CACHE_SECONDS = 0
# Unit tests sign staff in with force_login; tests/accounts turn the second factor back on, and
# the browser tests run the dev settings, where it is enforced.
ACCOUNTS_SECOND_FACTOR_ENFORCED = False

from .base import *  # noqa: F403
from .base import ENV

DEBUG = True
# A fixed key is fine on a developer's machine; production refuses it.
SECRET_KEY = ENV.secret_key or "dev-only-insecure-key-for-the-embedded-default"
ALLOWED_HOSTS = ENV.allowed_hosts or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

try:
    application = get_wsgi_application()
    from django.conf import settings

    if getattr(settings, "PORTAL_REFUSE_DEMO_PASSWORDS", False):
        from accounts.checks import demo_passwords_refuse

        demo_passwords_refuse()
except ImproperlyConfigured as error:
    # gunicorn would print a traceback per worker; one line names the setting.
    sys.exit(f"portal: configuration error: {error}")

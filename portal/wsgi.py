import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # gunicorn would print a traceback per worker; one line names the setting.
    sys.exit(f"portal: configuration error: {error}")

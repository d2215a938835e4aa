import os

from django.core.wsgi import get_wsgi_application

from portal.configuration import configuration_errors_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

# gunicorn would print a traceback per worker; one line names the setting.
with configuration_errors_exit():
    application = get_wsgi_application()
    from django.conf import settings

    if getattr(settings, "PORTAL_REFUSE_DEMO_PASSWORDS", False):
        from portal.checks import demo_passwords_refuse

        demo_passwords_refuse()

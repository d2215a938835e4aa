from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("互推互展")

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()

from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = _("两地同步")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each module declares what it shares in <module>/sync.py.
        for module in settings.PORTAL_MODULES:
            try:
                import_module(f"{module}.sync")
            except ModuleNotFoundError as error:
                if error.name != f"{module}.sync":
                    raise
        from . import signal_handlers

        signal_handlers.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = _("两地同步")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each module registers what it shares (its sync.py) from its own ready(); the handlers
        # of a spec registered before or after this point are connected alike.
        from . import signal_handlers

        signal_handlers.connect()

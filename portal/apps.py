from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("川渝党史协作平台")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_csp, signal_handlers
        from .page_cache import register_page_cache_signals
        from .page_permissions import register_page_policy

        signal_handlers.register_signal_handlers()
        register_page_cache_signals()
        register_page_policy()
        admin_csp.choosers_without_inline_scripts()

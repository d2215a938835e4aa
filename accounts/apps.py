from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与会话")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers
        from .names import chinese_name_order

        signal_handlers.register_signal_handlers()
        chinese_name_order()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("党史资料库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.api import mount

        from . import signal_handlers  # noqa: F401
        from .api import router

        mount("/materials/", router)

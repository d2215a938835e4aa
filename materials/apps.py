from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("党史资料库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.api.v3.api import api

        from . import signal_handlers  # noqa: F401
        from .api import router

        # ready() may run more than once in a process; the router is mounted once.
        if not getattr(router, "_materials_mounted", False):
            api.add_router("/materials/", router)
            router._materials_mounted = True

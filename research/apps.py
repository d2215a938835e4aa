from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("联合研究")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.api.v3.api import api

        from .api import router

        # ready() may run more than once (tests); a router is mounted once.
        if all(mounted is not router for _prefix, mounted in api._routers):
            api.add_router("/research/", router)

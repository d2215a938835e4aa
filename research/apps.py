from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("联合研究")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.api import mount

        from .api import router

        mount("/research/", router)

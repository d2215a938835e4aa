from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.modules import MenuEntry, Module, module_register

        from . import demo, search, sync  # noqa: F401 (sync.py registers its specs)
        from .roles import ROLE_MODEL_PERMISSIONS

        module_register(
            Module(
                label=self.label,
                name=_("干部培训"),
                menu=MenuEntry("training:course_list", _("联合培训"), order=4),
                urls="training.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("党史资料库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.modules import MenuEntry, Module, module_register

        from . import demo, search, signal_handlers, sync  # noqa: F401 (sync.py registers its specs)
        from .api import router
        from .roles import ROLE_MODEL_PERMISSIONS

        module_register(
            Module(
                label=self.label,
                name=_("党史资料"),
                menu=MenuEntry(
                    "materials:index",
                    _("资料共享"),
                    order=2,
                    summary=_("共享涉及川渝两地重大历史事件、历史人物的史料和研究成果。"),
                ),
                urls="materials.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
                home_panel="materials/includes/home_panel.html",
                organisation_panel="materials/includes/organisation_panel.html",
                api=("/materials/", router),
            )
        )

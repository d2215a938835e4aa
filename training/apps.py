from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrainingConfig(AppConfig):
    name = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.modules import MenuEntry, MenuLink, Module, module_register

        from . import demo, search, sync  # noqa: F401 (sync.py registers its specs)
        from .roles import ROLE_MODEL_PERMISSIONS

        module_register(
            Module(
                label=self.label,
                name=_("干部培训"),
                menu=MenuEntry(
                    "training:course_list",
                    _("联合培训"),
                    order=5,
                    summary=_("党史干部专业化联合培养。"),
                    children=(
                        MenuLink(
                            pgettext_lazy("site menu", "培训班次"),
                            url_name="training:course_list",
                        ),
                        MenuLink(
                            pgettext_lazy("site menu", "证书验证"),
                            url_name="training:certificate_verify_form",
                        ),
                    ),
                ),
                urls="training.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
                home_panel="training/includes/home_panel.html",
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("联合研究")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.modules import MenuEntry, MenuLink, Module, module_register

        from . import demo, search, sync  # noqa: F401 (sync.py registers its specs)
        from .api import router
        from .roles import ROLE_MODEL_PERMISSIONS

        module_register(
            Module(
                label=self.label,
                name=_("联合研究"),
                menu=MenuEntry(
                    "research:project_index",
                    _("课题研究"),
                    order=3,
                    summary=_("党史科研联合攻关，共建党史智库和专家库。"),
                    children=(
                        MenuLink(
                            pgettext_lazy("site menu", "研究课题"),
                            url_name="research:project_index",
                        ),
                        MenuLink(
                            pgettext_lazy("site menu", "专家库"),
                            url_name="research:expert_index",
                        ),
                    ),
                ),
                urls="research.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
                organisation_panel="research/includes/organisation_panel.html",
                api=("/research/", router),
            )
        )

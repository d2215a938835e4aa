from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PublicityConfig(AppConfig):
    name = "publicity"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("互推互展")

    def ready(self):
        from portal.modules import MenuEntry, MenuLink, Module, module_register

        from . import demo, search, signal_handlers, sync  # noqa: F401 (sync.py registers its specs)
        from .roles import ROLE_MODEL_PERMISSIONS

        signal_handlers.connect()
        module_register(
            Module(
                label=self.label,
                name=_("宣传稿件"),
                menu=MenuEntry(
                    "",
                    pgettext_lazy("site menu", "互推互展"),
                    order=4,
                    summary=_("官方网络和新媒体互推互展，红色景点两地共同展示。"),
                    page_model="publicity.StoryIndexPage",
                    children=(
                        MenuLink(
                            pgettext_lazy("site menu", "宣传稿件"),
                            page_model="publicity.StoryIndexPage",
                        ),
                        MenuLink(
                            pgettext_lazy("site menu", "红色景点"),
                            page_model="publicity.RedHeritageIndexPage",
                        ),
                        MenuLink(
                            pgettext_lazy("site menu", "工作简报"),
                            url_name="publicity:bulletin_archive",
                        ),
                    ),
                ),
                urls="publicity.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
                home_panel="publicity/includes/home_panel.html",
                organisation_panel="publicity/includes/organisation_panel.html",
            )
        )

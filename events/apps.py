from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.modules import MenuEntry, Module, module_register

        from . import demo, search, sync  # noqa: F401 (sync.py registers its specs)
        from .roles import ROLE_MODEL_PERMISSIONS

        module_register(
            Module(
                label=self.label,
                name=_("交流活动"),
                menu=MenuEntry(
                    "events:event_list",
                    _("联席会议"),
                    order=1,
                    summary=_("两地各级党史部门的联席会议、学术研讨和交流活动日程。"),
                ),
                urls="events.urls",
                role_permissions=ROLE_MODEL_PERMISSIONS,
                search_sources=search.SOURCES,
                demo_seed=demo.seed,
                home_panel="events/includes/home_panel.html",
                organisation_panel="events/includes/organisation_panel.html",
            )
        )

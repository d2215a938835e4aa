from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_sync_urls():
    return [
        path("sync/", admin_views.status, name="sync_status"),
        path("sync/pull/<str:region>/", admin_views.repull, name="sync_repull"),
        path("sync/conflicts/<int:pk>/resolve/", admin_views.conflict_resolve, name="sync_conflict_resolve"),
        path("sync/quarantine/<int:pk>/retry/", admin_views.quarantine_retry, name="sync_quarantine_retry"),
    ]


class SyncMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_settings_menu_item")
def register_sync_menu_item():
    return SyncMenuItem(_("两地同步"), reverse("sync_status"), icon_name="resubmit", order=950)

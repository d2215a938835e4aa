from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView

from portal.viewsets import OrganisationSnippetViewSet, organisation_scope

from .admin_forms import MaterialAdminForm
from .admin_views import FileTextView, MaterialImportView, TextExtractionPanel
from .models import DownloadLog, Material


class MaterialIndexView(IndexView):
    import_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("materials.add_material"):
            buttons.append(HeaderButton(_("批量导入"), url=reverse(self.import_url_name), icon_name="upload"))
        return buttons


class MaterialViewSet(OrganisationSnippetViewSet):
    model = Material
    icon = "doc-full-inverse"
    menu_label = _("党史资料")
    menu_order = 240
    add_to_admin_menu = True
    index_view_class = MaterialIndexView
    # SharedRecord.version has no verbose name; the column gets its Chinese header here.
    list_display = [
        "title",
        "material_type",
        "period",
        "access_level",
        "origin_organisation",
        Column("version", label=_("版本")),
    ]
    list_filter = ["material_type", "period", "access_level"]
    search_fields = ["title", "description"]
    ordering = ["-deposited_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("material_type"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel("period"), FieldPanel("date_from"), FieldPanel("date_to")], heading=_("时间")
            ),
            FieldPanel("topics"),
            MultiFieldPanel(
                [FieldPanel("origin_organisation"), FieldPanel("collection"), FieldPanel("access_level")],
                heading=_("来源与访问"),
            ),
            FieldPanel("upload"),
            TextExtractionPanel(),
        ],
        base_form_class=MaterialAdminForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(import_url_name=self.get_url_name("import"), **kwargs)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "import/",
                MaterialImportView.as_view(index_url_name=self.get_url_name("list")),
                name="import",
            ),
            path(
                "files/<int:file_id>/text/",
                FileTextView.as_view(
                    index_url_name=self.get_url_name("list"), edit_url_name=self.get_url_name("edit")
                ),
                name="file_text",
            ),
        ]

    def get_queryset(self, request):
        # Editors manage their own organisation's deposits; partners' are read on the site.
        return super().get_queryset(request).select_related("origin_organisation")


register_snippet(MaterialViewSet)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The download log is evidence: it is read in the admin, never written there."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


class DownloadLogViewSet(ModelViewSet):
    model = DownloadLog
    icon = "download"
    menu_label = _("资料下载记录")
    add_to_settings_menu = True
    list_display = ["downloaded_at", "user", "material", "version", "access_level"]
    list_filter = ["access_level"]
    form_fields = ["user"]  # never shown: the policy grants no add or change
    ordering = ["-downloaded_at"]

    def get_queryset(self, request):
        # An organisation sees who downloaded its own materials.
        logs = DownloadLog.objects.select_related("user", "material")
        return organisation_scope(user=request.user, queryset=logs, field="material__origin_organisation")


register_permission_policy(DownloadLog, ReadOnlyPolicy(DownloadLog))


@hooks.register("register_admin_viewset")
def register_download_log_viewset():
    return DownloadLogViewSet("material_download_logs")

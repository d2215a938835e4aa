from django.conf import settings
from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.sites.views import IndexView as SiteIndexView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.wagtail_hooks import require_wagtail_login

from .access import page_readable, pages_visible_to
from .models import Organisation, StaffProfile, Topic
from .names import staff_display_name
from .selectors import staff_organisation
from .viewsets import OBJECT_VIEWS, _OwnRecordOnly
from .widgets import searchable_select_register

# Sync finds organisations by code, and region, level and parent shape the whole federation:
# only superusers change them. An organisation's administrator keeps its contact fields.
CONTACT_FIELDS = ["name", "short_name", "name_en", "website"]


def own_organisations(*, user, queryset):
    """The organisation records a user may change: their own (of this region); superusers: all."""
    if user.is_superuser:
        return queryset
    organisation = staff_organisation(user=user)
    if organisation is None or organisation.region != settings.PORTAL_REGION:
        return queryset.none()
    return queryset.filter(pk=organisation.pk)


class _OwnOrganisationOnly(_OwnRecordOnly):
    def get_object(self, *args, **kwargs):
        record = super(_OwnRecordOnly, self).get_object(*args, **kwargs)
        if not own_organisations(user=self.request.user, queryset=Organisation.objects.filter(pk=record.pk)):
            raise Http404
        return record


class ContactFieldsOnly:
    """The edit view of a non-superuser binds a form of the contact fields alone."""

    def get_panel(self):
        panel = super().get_panel()
        if self.request.user.is_superuser:
            return panel
        return ObjectList([FieldPanel(name) for name in CONTACT_FIELDS]).bind_to_model(Organisation)

    def get_form_class(self):
        # The viewset passes its full form class; the contact panel's form replaces it.
        if self.request.user.is_superuser:
            return super().get_form_class()
        return self.panel.get_form_class()


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("单位")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "short_name", "region", "level", "parent"]
    list_filter = ["region", "level"]
    search_fields = ["name", "short_name", "code"]
    search_backend_name = None
    ordering = ["region", "level", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OBJECT_VIEWS:
            view_class = getattr(self, f"{name}_view_class")
            bases = (_OwnOrganisationOnly, view_class)
            if name == "edit":
                bases = (ContactFieldsOnly, *bases)
            setattr(self, f"{name}_view_class", type(view_class.__name__, bases, {}))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = Organisation.objects.all()
        return own_organisations(user=request.user, queryset=queryset)


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    icon = "user"
    menu_label = _("工作人员")
    add_to_settings_menu = True
    list_display = [
        Column("user", label=_("姓名"), accessor=lambda profile: staff_display_name(profile.user)),
        "organisation",
        "position",
    ]
    list_filter = ["organisation__region", "organisation"]
    form_fields = ["user", "organisation", "position", "phone"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("主题词")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None


register_snippet(OrganisationViewSet)
register_snippet(TopicViewSet)


@hooks.register("register_admin_viewset")
def register_staff_profile_viewset():
    return StaffProfileViewSet("staff_profiles")


@hooks.register("before_serve_page")
def serve_only_what_the_reader_may_see(page, request, serve_args, serve_kwargs):
    """The access rule for every shared page, before Wagtail's own view restrictions."""
    if page_readable(request.user, page):
        return None
    if not request.user.is_authenticated:
        return require_wagtail_login(next=request.get_full_path())
    # Not found and not allowed look the same: existence is not disclosed.
    raise Http404


@hooks.register("construct_page_chooser_queryset")
def choose_only_readable_pages(pages, request):
    return pages_visible_to(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def explore_only_readable_pages(parent_page, pages, request):
    return pages_visible_to(request.user, pages)


@hooks.register("insert_global_admin_js")
def admin_init_js():
    """Starts the widgets Wagtail would start with inline scripts, and names the editors and
    dialogs Wagtail leaves unnamed (see the scripts)."""
    return format_html(
        '<script src="{}"></script><script src="{}"></script>',
        static("portal/js/admin-init.js"),
        static("portal/js/admin-names.js"),
    )


searchable_select_register()


def site_columns_in_chinese() -> None:
    """Wagtail's site listing heads three columns with their field names (Port, Site name, Root
    page), which gettext never sees; the labels come from here."""
    labels = {"port": _("端口号"), "site_name": _("站点名称"), "root_page": _("根页面")}
    for column in SiteIndexView.columns:
        column.label = labels.get(column.name, column.label)


site_columns_in_chinese()

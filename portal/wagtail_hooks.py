from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Organisation, StaffProfile, Topic


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("单位")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "short_name", "region", "level", "parent"]
    list_filter = ["region", "level"]
    search_fields = ["name", "short_name", "code"]
    ordering = ["region", "level", "name"]


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    icon = "user"
    menu_label = _("工作人员")
    add_to_settings_menu = True
    list_display = ["user", "organisation", "position"]
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


register_snippet(OrganisationViewSet)
register_snippet(TopicViewSet)


@hooks.register("register_admin_viewset")
def register_staff_profile_viewset():
    return StaffProfileViewSet("staff_profiles")


@hooks.register("insert_global_admin_js")
def admin_init_js():
    """Starts the widgets Wagtail would start with inline scripts (see the script)."""
    return format_html('<script src="{}"></script>', static("portal/js/admin-init.js"))

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.viewsets import OrganisationSnippetViewSet

from .admin_forms import CourseAdminForm, SessionAdminForm
from .models import Course, Session


class CourseViewSet(OrganisationSnippetViewSet):
    model = Course
    icon = "group"
    menu_label = _("培训课程")
    list_display = ["title", "origin_organisation", "completion_min_attendance_percent", "access_level"]
    list_filter = ["access_level"]
    search_fields = ["title", "summary"]
    edit_handler = ObjectList(Course.panels, base_form_class=CourseAdminForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("origin_organisation")


class SessionViewSet(OrganisationSnippetViewSet):
    model = Session
    icon = "date"
    menu_label = _("培训班次")
    organisation_field = "course__origin_organisation"
    list_display = ["title", "course", "starts_on", "venue", "capacity", "eligibility"]
    list_filter = ["eligibility"]
    search_fields = ["title", "venue"]
    edit_handler = ObjectList(Session.panels, base_form_class=SessionAdminForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course")


class TrainingViewSetGroup(SnippetViewSetGroup):
    items = (CourseViewSet, SessionViewSet)
    menu_icon = "group"
    menu_label = _("联合培训")
    menu_order = 360


register_snippet(TrainingViewSetGroup)

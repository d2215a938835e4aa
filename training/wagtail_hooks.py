from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from portal.selectors import staff_organisation

from .admin_forms import CourseAdminForm, SessionAdminForm
from .models import Course, Session


def _organisation_filter(request, queryset, field):
    if request.user.is_superuser:
        return queryset
    return queryset.filter(**{field: staff_organisation(user=request.user)})


def _own_only(organisation_field):
    """Edit and delete views that refuse another organisation's records."""

    class Guard:
        def get_object(self, queryset=None):
            record = super().get_object(queryset)
            if not self.request.user.is_superuser:
                organisation = staff_organisation(user=self.request.user)
                owner = record
                for part in organisation_field.split("__")[:-1]:
                    owner = getattr(owner, part)
                if organisation is None or owner.origin_organisation_id != organisation.pk:
                    raise PermissionDenied
            return record

    return Guard


class CourseEditView(_own_only("origin_organisation"), EditView):
    pass


class CourseDeleteView(_own_only("origin_organisation"), DeleteView):
    pass


class SessionEditView(_own_only("course__origin_organisation"), EditView):
    pass


class SessionDeleteView(_own_only("course__origin_organisation"), DeleteView):
    pass


class CourseViewSet(SnippetViewSet):
    model = Course
    icon = "group"
    menu_label = _("培训课程")
    edit_view_class = CourseEditView
    delete_view_class = CourseDeleteView
    list_display = ["title", "origin_organisation", "completion_min_attendance_percent", "access_level"]
    list_filter = ["access_level"]
    search_fields = ["title", "summary"]
    edit_handler = ObjectList(Course.panels, base_form_class=CourseAdminForm)

    def get_queryset(self, request):
        return _organisation_filter(
            request, Course.objects.select_related("origin_organisation"), "origin_organisation"
        )


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "date"
    menu_label = _("培训班次")
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    list_display = ["title", "course", "starts_on", "venue", "capacity", "eligibility"]
    list_filter = ["eligibility"]
    search_fields = ["title", "venue"]
    edit_handler = ObjectList(Session.panels, base_form_class=SessionAdminForm)

    def get_queryset(self, request):
        return _organisation_filter(
            request, Session.objects.select_related("course"), "course__origin_organisation"
        )


class TrainingViewSetGroup(SnippetViewSetGroup):
    items = (CourseViewSet, SessionViewSet)
    menu_icon = "group"
    menu_label = _("联合培训")
    menu_order = 360


register_snippet(TrainingViewSetGroup)

from wagtail.admin.forms import WagtailAdminModelForm

from portal.models import Organisation
from portal.selectors import staff_organisation

from .models import Course
from .services import session_waitlist_fill


def _own_organisation(form):
    user = getattr(form, "for_user", None)
    if user is None or user.is_superuser:
        return None, False
    return staff_organisation(user=user), True


class CourseAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation, restricted = _own_organisation(self)
        field = self.fields.get("origin_organisation")
        if restricted and field is not None:
            # Organisers run courses for their own organisation only.
            field.queryset = Organisation.objects.filter(pk=getattr(organisation, "pk", None))
            field.initial = organisation
            field.empty_label = None


class SessionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation, restricted = _own_organisation(self)
        field = self.fields.get("course")
        if restricted and field is not None:
            field.queryset = Course.objects.filter(origin_organisation=organisation)

    def save(self, commit=True):
        session = super().save(commit=commit)
        if commit:
            # A raised capacity goes to the waitlist at once.
            session_waitlist_fill(session_id=session.pk)
        return session

from wagtail.admin.forms import WagtailAdminModelForm

from portal.selectors import staff_organisation


class EventAdminForm(WagtailAdminModelForm):
    """Staff create events for their own organisation only; superusers for any."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("origin_organisation")
        if field is None or user is None or user.is_superuser:
            return
        organisation = staff_organisation(user=user)
        field.queryset = field.queryset.filter(pk=organisation.pk if organisation else None)
        if organisation is not None and not self.instance.pk:
            field.initial = organisation.pk

from wagtail.admin.forms import WagtailAdminPageForm

from portal.models import Level, Organisation
from portal.selectors import staff_organisation


class StoryForm(WagtailAdminPageForm):
    """District and city editors submit stories in their own unit's name only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or user.is_superuser or "origin_organisation" not in self.fields:
            return
        organisation = staff_organisation(user=user)
        if organisation is not None and organisation.level != Level.PROVINCE:
            field = self.fields["origin_organisation"]
            field.queryset = Organisation.objects.filter(pk=organisation.pk)
            field.initial = organisation.pk
            field.empty_label = None

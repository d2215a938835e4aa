from django.conf import settings

from wagtail.admin.forms import WagtailAdminPageForm

from portal.models import Level, Organisation
from portal.selectors import staff_organisation


class SharedPageForm(WagtailAdminPageForm):
    """A story or site is owned by an organisation of this region; district and city editors name their own.

    Province-level staff (and superusers) may name any unit of the region, never one of the
    partner region: a partner's records arrive by sync only.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("origin_organisation")
        if field is None:
            return
        user = self.for_user
        field.queryset = Organisation.objects.filter(region=settings.PORTAL_REGION)
        if user is None or user.is_superuser:
            return
        organisation = staff_organisation(user=user)
        if organisation is None or organisation.level != Level.PROVINCE:
            field.queryset = Organisation.objects.filter(pk=getattr(organisation, "pk", None))
            field.initial = getattr(organisation, "pk", None)
            field.empty_label = None


class StoryForm(SharedPageForm):
    """District and city editors submit stories in their own unit's name only."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wagtail.forms import TaskStateCommentForm

from portal.models import Level, Organisation
from portal.page_forms import PortalPageForm
from portal.selectors import staff_organisation


class SharedPageForm(PortalPageForm):
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
    def slug_date(self):
        """A new story's address starts with its publication date (2020-06-09-2)."""
        return self.cleaned_data.get("publication_date") or super().slug_date()


class ReviewCommentForm(TaskStateCommentForm):
    """A review decision's comment is the reviewer's 审核意见, not a comment thread."""

    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea({"rows": 4}), required=False)

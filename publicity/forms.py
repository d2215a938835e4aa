from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.forms import TaskStateCommentForm

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

    def clean_slug(self):
        """A new story's address is its date and a number (2020-06-09-2), not its percent-encoded title.

        Stories already saved keep their slug, and so their URL; an ASCII slug typed by the editor stays.
        """
        slug = self.cleaned_data.get("slug", "")
        if self.instance.pk or (slug and slug.isascii()):
            return slug
        from .selectors import story_slug_next

        return story_slug_next(
            parent=self.parent_page, date=self.cleaned_data.get("publication_date") or timezone.localdate()
        )


class ReviewCommentForm(TaskStateCommentForm):
    """A review decision's comment is the reviewer's 审核意见, not a comment thread."""

    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea({"rows": 4}), required=False)

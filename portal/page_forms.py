"""The admin forms of the page types editors create (those without max_count): each names
PortalPageForm, or a subclass, as its base_form_class and PortalCopyForm as its copy_form_class.
The singletons (home, index pages, calendar) are made by code."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm


def _is_typed_slug(slug: str) -> bool:
    return bool(slug) and slug.isascii()


class PortalPageForm(WagtailAdminPageForm):
    """A new page's address is a date and a number (2026-11-30-1), not its title.

    Wagtail fills the slug in from the title as the editor types, and a Chinese title makes an
    address of percent-encoded characters, nine for each one of the title. An ASCII slug the
    editor typed stays; a page already saved keeps its slug, and so its address.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and self._is_new_page():
            slug.required = False
            slug.help_text = _("页面地址中的名称。留空或含中文时自动使用“日期-序号”，如 2026-11-30-1。")

    def _is_new_page(self) -> bool:
        return self.instance.pk is None and self.parent_page is not None

    def slug_date(self) -> datetime.date:
        """The date a new page's address starts with; a page type with a date of its own names it."""
        return timezone.localdate()

    def clean(self):
        slug = self.cleaned_data.get("slug", "")
        if (
            "slug" in self.fields
            and "slug" not in self.errors
            and self._is_new_page()
            and not _is_typed_slug(slug)
        ):
            from .selectors import page_slug_next

            self.cleaned_data["slug"] = page_slug_next(parent=self.parent_page, date=self.slug_date())
        return super().clean()


class PortalCopyForm(CopyForm):
    """A copy's address follows the same rule as a new page's: Wagtail offers the original's
    slug, which is taken under the same parent, so the copy is offered the next date-number
    there instead, and gets one under whichever parent is chosen when the slug is left empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import page_slug_next

        slug = self.fields["new_slug"]
        slug.required = False
        slug.initial = page_slug_next(parent=self.page.get_parent(), date=timezone.localdate())
        slug.help_text = _("副本的页面地址。留空或含中文时自动使用“日期-序号”，如 2026-11-30-1。")

    def clean(self):
        parent = self.cleaned_data.get("new_parent_page")
        slug = self.cleaned_data.get("new_slug", "")
        if parent is not None and "new_slug" not in self.errors and not _is_typed_slug(slug):
            from .selectors import page_slug_next

            self.cleaned_data["new_slug"] = page_slug_next(parent=parent, date=timezone.localdate())
        return super().clean()

"""The admin form of the page types editors create (those without max_count): each names it, or
a subclass, as its base_form_class. The singletons (home, index pages, calendar) are made by code."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm


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
        made_by_hand = slug and slug.isascii()
        if "slug" in self.fields and "slug" not in self.errors and self._is_new_page() and not made_by_hand:
            from .selectors import page_slug_next

            self.cleaned_data["slug"] = page_slug_next(parent=self.parent_page, date=self.slug_date())
        return super().clean()

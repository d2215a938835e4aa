"""Fields and panels page models share, declared once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class EnglishVersion(models.Model):
    """A page English readers meet in English: its title and introduction where an editor wrote
    them; left empty, the Chinese is shown, marked as Chinese (portal.menu.in_reader_language)."""

    title_en = models.CharField(_("英文标题"), max_length=255, blank=True)
    introduction_en = models.TextField(_("英文导语"), blank=True)

    english_panels = [MultiFieldPanel([FieldPanel("title_en"), FieldPanel("introduction_en")], _("英文版"))]

    class Meta:
        abstract = True

"""Fields and panels page models share, declared once."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


class EnglishVersion(models.Model):
    """A page English readers meet in English: its title and introduction where an editor wrote
    them; left empty, the Chinese is shown, marked as Chinese (portal.content_language.in_reader_language)."""

    title_en = models.CharField(_("英文标题"), max_length=255, blank=True)
    introduction_en = models.TextField(_("英文导语"), blank=True)

    english_panels = [MultiFieldPanel([FieldPanel("title_en"), FieldPanel("introduction_en")], _("英文版"))]

    class Meta:
        abstract = True


class Located(models.Model):
    """A place readers find on a map: its address, and WGS-84 coordinates (both or neither).

    WGS-84 is what 天地图 and OpenStreetMap tiles use; GCJ-02 tiles (高德, 腾讯) would show the
    marker some hundred metres off.
    """

    address = models.CharField(_("详细地址"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84 十进制度数，北纬为正，例如 29.563000"),
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84 十进制度数，东经为正，例如 106.499000"),
    )

    location_panels = [
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            _("位置"),
        )
    ]

    class Meta:
        abstract = True
        # Also what the database holds to, whatever wrote the row (sync saves without clean()).
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                # NULL compares to nothing: without isnull=False half a pair would pass the check.
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="%(app_label)s_%(class)s_coordinates",
                violation_error_message=_("纬度和经度须同时填写（纬度 -90～90，经度 -180～180）或同时留空。"),
            )
        ]

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("纬度和经度须同时填写或同时留空。")})

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return float(self.latitude), float(self.longitude)

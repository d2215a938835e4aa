import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock
from .modules import module_panels
from .names import staff_display_name
from .page_forms import PortalCopyForm, PortalPageForm
from .page_mixins import EnglishVersion
from .searchable import Searchable, searchable_fields


class Region(models.TextChoices):
    SICHUAN = "sichuan", _("四川")
    CHONGQING = "chongqing", _("重庆")


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("公开")
    PARTNERS = "partners", _("协作单位")
    INTERNAL = "internal", _("本单位内部")


class HistoricalPeriod(models.TextChoices):
    NEW_DEMOCRATIC = "new_democratic", _("新民主主义革命时期")
    SOCIALIST_CONSTRUCTION = "socialist_construction", _("社会主义革命和建设时期")
    REFORM_AND_OPENING = "reform_and_opening", _("改革开放和社会主义现代化建设新时期")
    NEW_ERA = "new_era", _("中国特色社会主义新时代")


class OrganisationQuerySet(models.QuerySet):
    def in_level_order(self):
        """Province, city, then district; by name within a level."""
        rank = models.Case(
            *[models.When(level=level, then=models.Value(n)) for n, level in enumerate(Level.values)],
            output_field=models.IntegerField(),
        )
        return self.select_related("parent").order_by(rank, "name")

    def grouped_by_region(self) -> dict[str, list["Organisation"]]:
        """{region label: organisations in level order}, the deployment's own region first."""
        organisations = list(self.in_level_order())
        own = settings.PORTAL_REGION
        return {
            Region(code).label: [o for o in organisations if o.region == code]
            for code in sorted(Region.values, key=lambda value: value != own)
        }


class Organisation(Searchable, index.Indexed, models.Model):
    """A party-history office of either region, at province, city or district level."""

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(
        _("代码"),
        max_length=64,
        unique=True,
        help_text=_("稳定的英文代码，两地一致，例如 cq-qijiang"),
    )
    name = models.CharField(_("名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    region = models.CharField(_("地区"), max_length=16, choices=Region.choices)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("网站"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("name_en"),
        FieldPanel("code"),
        FieldPanel("region"),
        FieldPanel("level"),
        FieldPanel("parent"),
        FieldPanel("website"),
    ]
    search_text = ("name", "short_name")
    search_fields = [
        *searchable_fields(search_text),
        index.AutocompleteField("name"),
        index.FilterField("region"),
        index.FilterField("level"),
    ]

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__in=["sichuan", "chongqing"]),
                name="organisation_region_known",
            ),
        ]

    def __str__(self):
        return self.name


class Topic(Searchable, index.Indexed, models.Model):
    """The shared vocabulary: places, people, events and themes records are tagged with."""

    class Kind(models.TextChoices):
        PLACE = "place", _("地点")
        PERSON = "person", _("人物")
        EVENT = "event", _("事件")
        THEME = "theme", _("主题")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    slug = models.SlugField(_("代码"), max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(_("说明"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("slug"), FieldPanel("description")]
    search_text = ("name",)
    search_fields = [
        *searchable_fields(search_text),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("主题词")
        verbose_name_plural = _("主题词")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="topic_unique_per_kind"),
        ]

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """Binds a staff user to the one organisation they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return f"{staff_display_name(self.user)} · {self.organisation}"


class OrganisationRole(models.Model):
    """The Wagtail group through which a role is held inside one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=32)
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="one_group_per_role"),
        ]

    def __str__(self):
        return f"{self.organisation.short_name} · {self.role}"


class HomePage(EnglishVersion, Searchable, Page):
    introduction = models.TextField(_("导语"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
        *EnglishVersion.english_panels,
    ]
    search_text = ("title", "introduction")
    search_fields = searchable_fields(search_text, base=Page.search_fields)
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types: the modules' index pages name the home page as their parent.

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["organisations_by_region"] = Organisation.objects.grouped_by_region()
        context["menu_pages"] = self.get_children().live().public().in_menu().specific()
        context["home_panels"] = module_panels("home_panel")
        return context


class StandardPage(EnglishVersion, Searchable, Page):
    introduction = models.TextField(_("导语"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
        *EnglishVersion.english_panels,
    ]
    search_text = ("title", "introduction", "body")
    search_fields = searchable_fields(search_text, base=Page.search_fields)
    base_form_class = PortalPageForm
    copy_form_class = PortalCopyForm

    class Meta:
        verbose_name = _("普通页面")


class OrganisationIndexPage(EnglishVersion, Page):
    introduction = models.TextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), *EnglishVersion.english_panels]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.OrganisationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("成员单位目录")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["organisations_by_region"] = Organisation.objects.grouped_by_region()
        return context


class OrganisationPage(Searchable, Page):
    """An organisation's own section of the site; its staff's page rights are scoped here."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="page"
    )
    introduction = RichTextField(_("单位简介"), blank=True)
    # The contact details a government office publishes (政务公开); each is shown only when given.
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postcode = models.CharField(
        _("邮政编码"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{6}$", _("邮政编码为 6 位数字。"))],
    )
    phone = models.CharField(_("联系电话"), max_length=64, blank=True, help_text=_("例如 028-86000000"))
    fax = models.CharField(_("传真"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    office_hours = models.CharField(
        _("办公时间"), max_length=200, blank=True, help_text=_("例如 工作日 9:00—12:00，13:30—17:30")
    )

    content_panels = Page.content_panels + [
        FieldPanel("organisation"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("phone"),
                FieldPanel("fax"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
            ],
            heading=_("联系方式"),
        ),
        FieldPanel("introduction"),
    ]
    search_text = ("title", "introduction")
    search_fields = searchable_fields(search_text, base=Page.search_fields)
    parent_page_types = ["portal.OrganisationIndexPage"]
    subpage_types = ["portal.StandardPage"]
    base_form_class = PortalPageForm
    copy_form_class = PortalCopyForm

    class Meta:
        verbose_name = _("单位主页")

    @property
    def title_en(self) -> str:
        """The unit's English name, so that menus, crumbs and titles read it for English readers
        (portal.content_language.in_reader_language)."""
        return self.organisation.name_en

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Each module lists the unit's own records as far as the reader may see them.
        context["organisation_panels"] = module_panels("organisation_panel")
        return context


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """What a government website must show in its footer (政府网站发展指引): who runs it and its filings."""

    sponsor = models.CharField(_("主办单位"), max_length=200, blank=True)
    contact_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    icp_number = models.CharField(
        _("ICP备案号"), max_length=64, blank=True, help_text=_("例如 蜀ICP备12345678号")
    )
    public_security_number = models.CharField(
        _("公安备案号"), max_length=64, blank=True, help_text=_("例如 川公网安备 51010402000001号")
    )
    site_code = models.CharField(_("网站标识码"), max_length=32, blank=True)

    panels = [
        FieldPanel("sponsor"),
        MultiFieldPanel(
            [FieldPanel("contact_address"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
            heading=_("联系方式"),
        ),
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("public_security_number"), FieldPanel("site_code")],
            heading=_("备案信息"),
        ),
    ]

    class Meta:
        verbose_name = _("网站标识")

    @property
    def public_security_record_code(self) -> str:
        """The digits of the 公安备案号, which the national filing system's link takes."""
        return "".join(ch for ch in self.public_security_number if ch.isdigit())

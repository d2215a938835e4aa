from django import forms
from django.conf import settings
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.access import access_q, can_view, visible_to
from portal.blocks import BaseStreamBlock, CaptionedImageBlock
from portal.models import AccessLevel, EnglishVersion, Organisation, Region
from portal.page_forms import PortalCopyForm
from portal.page_mixins import Located
from portal.pagination import keyset_page
from portal.records.models import SharedRecord
from portal.searchable import Searchable, searchable_fields

from .forms import ReviewCommentForm, SharedPageForm, StoryForm
from .maps import heritage_map, thumbnails_attach
from .naming import bulletin_issue_name
from .signals import submission_declined


class Section(models.Model):
    """A bulletin/feed section such as 工作动态; editors may add more."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    # What English readers see (portal.content_language.in_reader_language); empty: the Chinese, marked.
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)
    slug = models.SlugField(_("代码"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug"), FieldPanel("order")]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class BulletinIssue(models.Model):
    """One issue of a printed work bulletin such as 重庆党史工作 第3期 (总第198期)."""

    title = models.CharField(_("刊名"), max_length=64)
    region = models.CharField(_("地区"), max_length=16, choices=Region.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"))
    total_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True)
    date = models.DateField(_("日期"))
    compiler = models.CharField(_("编印单位"), max_length=128, blank=True)
    editor_line = models.CharField(_("责编"), max_length=255, blank=True)
    distribution_report = models.TextField(_("报"), blank=True)
    distribution_send = models.TextField(_("送"), blank=True)
    distribution_issue = models.TextField(_("发"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("region"),
                FieldPanel("year"),
                FieldPanel("number"),
                FieldPanel("total_number"),
                FieldPanel("date"),
                FieldPanel("compiler"),
            ],
            _("刊头"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("distribution_report"),
                FieldPanel("distribution_send"),
                FieldPanel("distribution_issue"),
                FieldPanel("editor_line"),
            ],
            _("报送发与责编"),
        ),
    ]

    class Meta:
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["title", "year", "number"], name="bulletin_issue_unique"),
        ]

    def __str__(self):
        return bulletin_issue_name(self)


class StoryIndexPage(EnglishVersion, Page):
    """The list of stories of both regions, filterable by section, region, unit and topic."""

    introduction = models.TextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), *EnglishVersion.english_panels]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["publicity.Story"]
    max_count = 1

    class Meta:
        verbose_name = _("稿件目录")

    def get_context(self, request, *args, **kwargs):
        from .filters import StoryFilters

        context = super().get_context(request, *args, **kwargs)
        filters = StoryFilters(request.GET or None, user=request.user)
        stories = Story.objects.listed(user=request.user, filters=filters)
        context["filter_query"] = filters.query_string()
        context["stories"] = keyset_page(request, stories, page_size=20, query=context["filter_query"])
        context["filter_bar"] = filters.bar()
        return context


class StoryQuerySet(PageQuerySet):
    def listed(self, *, user=None, public_only: bool = False, filters=None):
        """Live stories the reader may see, newest first, narrowed by the listing's filters."""
        if public_only:
            stories = self.live().public().filter(access_level=AccessLevel.PUBLIC)
        else:
            # Non-public stories carry a view restriction mirroring their access level (see services).
            stories = self.live().filter(access_q(user))
        if filters is not None:
            stories = filters.apply(stories)
        return stories.select_related("section", "origin_organisation").order_by(*Story.LISTING_ORDER)


class Story(Searchable, SharedRecord, Page):
    """A news item (稿件) of a party-history office; origin_organisation is its 供稿单位."""

    LISTING_ORDER = ("-publication_date", "bulletin_order", "-pk")

    objects = PageManager.from_queryset(StoryQuerySet)()

    # Overrides SharedRecord's field only to name it the way the bulletins do.
    origin_organisation = models.ForeignKey(
        Organisation, verbose_name=_("供稿单位"), on_delete=models.PROTECT, related_name="+"
    )
    contributing_department = models.CharField(
        _("供稿部门"), max_length=64, blank=True, help_text=_("单位内的处室，例如 宣教处")
    )
    section = models.ForeignKey(
        Section, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="stories"
    )
    author = models.CharField(_("作者"), max_length=100, blank=True)
    publication_date = models.DateField(_("发布日期"))
    summary = models.TextField(_("摘要"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)
    topics = ParentalManyToManyField("portal.Topic", verbose_name=_("主题词"), blank=True)
    offered_to_partner = models.BooleanField(
        _("向协作地区推送"), default=True, help_text=_("互推互展：在对方地区网站展示")
    )
    source_url = models.URLField(_("原文链接"), blank=True, help_text=_("转载稿件在来源地区的原始地址"))
    bulletin_issue = models.ForeignKey(
        BulletinIssue,
        verbose_name=_("刊发简报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    bulletin_order = models.PositiveSmallIntegerField(_("简报内序号"), null=True, blank=True)
    # What the partner needs beyond the fields sync carries as they are: the section by slug
    # (sections are seeded per region) and the story's address at its origin.
    syndication = models.JSONField(_("转载信息"), default=dict, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                # Plain selects: the lists are short and editors pick from them on every story.
                FieldPanel("section", widget=forms.Select),
                FieldPanel("origin_organisation", widget=forms.Select),
                FieldPanel("contributing_department"),
                FieldPanel("author"),
                FieldPanel("publication_date"),
            ],
            _("稿件信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [FieldPanel("access_level"), FieldPanel("offered_to_partner"), FieldPanel("source_url")],
            _("共享"),
        ),
        MultiFieldPanel([FieldPanel("bulletin_issue"), FieldPanel("bulletin_order")], _("简报")),
    ]
    search_text = ("title", "summary", "author", "contributor_line", "body")
    search_fields = searchable_fields(search_text, base=Page.search_fields) + [
        index.FilterField("access_level"),
        index.FilterField("origin_region"),
        index.FilterField("publication_date"),
    ]
    parent_page_types = ["publicity.StoryIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["global_id"]
    base_form_class = StoryForm
    copy_form_class = PortalCopyForm

    class Meta:
        verbose_name = _("稿件")
        verbose_name_plural = _("稿件")
        _listing = ["-publication_date", "bulletin_order", "-page_ptr"]  # LISTING_ORDER, read off an index
        indexes = [models.Index(fields=_listing, name="story_listing_order")]

    def save(self, *args, **kwargs):
        if not self.origin_region:
            self.origin_region = settings.PORTAL_REGION
        if not self.is_replica and self.section_id:
            section = {"section": self.section.slug, "section_name": self.section.name}
            section["section_name_en"] = self.section.name_en
            self.syndication = {**self.syndication, **section}
        super().save(*args, **kwargs)

    @property
    def contributing_unit(self) -> Organisation:
        return self.origin_organisation

    @property
    def contributor_line(self) -> str:
        """The unit as the bulletin prints it: 市委党史研究室宣教处."""
        organisation = self.origin_organisation
        return f"{organisation.short_name or organisation.name}{self.contributing_department}"

    @property
    def origin_url(self) -> str:
        """The original's address at the partner region, for a cross-posted story."""
        return self.source_url or (self.syndication.get("url", "") if self.is_replica else "")

    def body_text(self) -> list[str]:
        return self.body.stream_block.get_searchable_content(self.body)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["is_replica"] = self.is_replica
        return context

    def serve(self, request, *args, **kwargs):
        if not can_view(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)


class RedHeritageIndexPage(EnglishVersion, Page):
    introduction = models.TextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), *EnglishVersion.english_panels]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["publicity.RedHeritageSite"]
    max_count = 1

    class Meta:
        verbose_name = _("红色景点目录")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sites"] = thumbnails_attach(
            visible_to(
                request.user, RedHeritageSite.objects.live().select_related("origin_organisation")
            ).order_by("origin_region", "title")
        )
        context["heritage_map"] = heritage_map(request=request, sites=context["sites"])
        return context


class RedHeritageSite(Located, Searchable, SharedRecord, Page):
    """A red-heritage site (红色景点/革命遗址), shown on both regions' sites; mapped by its coordinates."""

    place = models.CharField(_("地点"), max_length=200)
    history = RichTextField(_("历史沿革"), blank=True)
    visiting_information = models.TextField(_("参观信息"), blank=True)
    images = StreamField(
        [("image", CaptionedImageBlock())], verbose_name=_("图片"), blank=True, use_json_field=True
    )
    topics = ParentalManyToManyField("portal.Topic", verbose_name=_("主题词"), blank=True)
    related_stories = ParentalManyToManyField(
        "publicity.Story", verbose_name=_("相关稿件"), blank=True, related_name="red_heritage_sites"
    )
    syndication = models.JSONField(_("转载信息"), default=dict, blank=True, editable=False)
    featured_on_home = models.BooleanField(
        _("首页推荐"), default=False, help_text=_("在首页“红色景点”栏目中排在最新发布的景点之前")
    )

    content_panels = Page.content_panels + [
        FieldPanel("place"),
        *Located.location_panels,
        FieldPanel("origin_organisation"),
        FieldPanel("history"),
        FieldPanel("visiting_information"),
        FieldPanel("images"),
        FieldPanel("topics"),
        FieldPanel("related_stories"),
        FieldPanel("access_level"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("featured_on_home")]
    search_text = ("title", "place", "address", "history", "visiting_information")
    search_fields = searchable_fields(search_text, base=Page.search_fields)
    parent_page_types = ["publicity.RedHeritageIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["global_id"]
    base_form_class = SharedPageForm
    copy_form_class = PortalCopyForm

    class Meta(Located.Meta):
        verbose_name = _("红色景点")
        verbose_name_plural = _("红色景点")

    @property
    def origin_url(self) -> str:
        return self.syndication.get("url", "") if self.is_replica else ""

    def serve(self, request, *args, **kwargs):
        if not can_view(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = visible_to(request.user, self.related_stories.live())
        context["is_replica"] = self.is_replica
        context["heritage_map"] = heritage_map(request=request, sites=[self], links=False)
        return context


class InformationReviewTask(AbstractGroupApprovalTask):
    """信息报送审核: a group approval that can also decline an item outright (不予采用)."""

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions:
            actions = [
                ("reject", _("退回修改"), True),
                ("approve", _("采用"), False),
                ("approve", _("采用并附意见"), True),
                ("decline", _("不予采用"), True),
            ]
        return actions

    def get_form_for_action(self, action):
        return ReviewCommentForm

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "decline":
            submission_declined.send(
                sender=type(self), task_state=task_state, user=user, comment=kwargs.get("comment", "")
            )
        else:
            super().on_action(task_state, user, action_name, **kwargs)
        # The reviewer lands on a page that confirms what the decision did.
        return reverse("publicity_review_done", args=[task_state.pk, action_name])

    @classmethod
    def get_description(cls):
        return _("省级审核组采用、退回或不予采用区县和市级单位报送的信息")

    class Meta:
        verbose_name = _("信息报送审核")
        verbose_name_plural = _("信息报送审核")


class SubmissionEvent(models.Model):
    """One step of an item's submission (信息报送), tallied per unit every quarter."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("报送")
        RESUBMITTED = "resubmitted", _("重新报送")
        RETURNED = "returned", _("退回")
        ACCEPTED = "accepted", _("采用")
        DECLINED = "declined", _("不予采用")

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="submission_events")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("供稿单位"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.story} · {self.get_action_display()}"

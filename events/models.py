import secrets
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.dates import date_display
from portal.models import EnglishVersion, Organisation
from portal.records.models import SharedRecord
from portal.searchable import Searchable, searchable_fields

from .admin_forms import EventAdminForm

# Every event time is shown, and every recurrence is expanded, in this zone.
EVENT_TIME_ZONE = ZoneInfo("Asia/Shanghai")


class EventType(models.TextChoices):
    # A context keeps these labels apart from the same words elsewhere in the portal.
    JOINT_MEETING = "joint_meeting", pgettext_lazy("event type", "联席会议")
    SYMPOSIUM = "symposium", pgettext_lazy("event type", "学术研讨会")
    FORUM = "forum", pgettext_lazy("event type", "论坛")
    VISIT = "visit", pgettext_lazy("event type", "考察交流")
    OTHER = "other", pgettext_lazy("event type", "其他")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("如期举行")
    CANCELLED = "cancelled", _("已取消")


class Frequency(models.TextChoices):
    NONE = "", _("不重复")
    WEEKLY = "WEEKLY", _("每周")
    MONTHLY = "MONTHLY", _("每月")
    YEARLY = "YEARLY", _("每年")


class Event(Searchable, index.Indexed, ClusterableModel, SharedRecord):
    """A joint meeting, symposium, forum or visit; the host is the origin organisation."""

    title = models.CharField(_("名称"), max_length=200)
    event_type = models.CharField(_("类型"), max_length=32, choices=EventType.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    co_hosts = ParentalManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="co_hosted_events"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    city = models.CharField(_("城市"), max_length=64, blank=True)
    online_url = models.URLField(_("线上参会链接"), blank=True)
    summary = models.TextField(_("简介"), blank=True)
    agenda = RichTextField(_("议程"), blank=True)
    participants = models.TextField(_("参会人员"), blank=True)
    minutes = RichTextField(_("会议纪要"), blank=True)
    # A subset of RFC 5545 RRULE: FREQ, INTERVAL and either COUNT or UNTIL.
    frequency = models.CharField(_("重复"), max_length=16, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(
        _("间隔"), default=1, help_text=_("例如每季度一次：重复选“每月”，间隔填 3")
    )
    count = models.PositiveSmallIntegerField(_("重复次数"), null=True, blank=True)
    until = models.DateField(_("重复截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = EventAdminForm
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("event_type"), FieldPanel("status"), FieldPanel("access_level")]),
        MultiFieldPanel(
            [FieldPanel("origin_organisation", heading=_("主办单位")), FieldPanel("co_hosts")],
            heading=_("主办与协办"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel(
                    [
                        FieldPanel("frequency"),
                        FieldPanel("interval"),
                        FieldPanel("count"),
                        FieldPanel("until"),
                    ]
                ),
                InlinePanel("exceptions", heading=_("例外（取消或改期的某次会议）"), label=_("例外")),
            ],
            heading=_("时间（北京时间）"),
        ),
        MultiFieldPanel(
            [FieldPanel("venue"), FieldPanel("city"), FieldPanel("online_url")], heading=_("地点")
        ),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        FieldPanel("participants"),
        FieldPanel("minutes"),
        InlinePanel("material_links", heading=_("纪要、决定等材料"), label=_("材料")),
        InlinePanel("action_items", heading=_("后续工作事项"), label=_("事项")),
    ]
    search_text = ("title", "summary", "venue", "agenda_text")
    search_fields = [
        *searchable_fields(search_text),
        index.AutocompleteField("title"),
        index.FilterField("event_type"),
        index.FilterField("access_level"),
        index.FilterField("starts_at"),
    ]

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("结束时间不能早于开始时间")})
        if self.count and self.until:
            raise ValidationError({"until": _("重复次数与截止日期只能填写一项")})
        if (self.count or self.until) and not self.frequency:
            raise ValidationError({"frequency": _("请选择重复方式")})

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"global_id": self.global_id})

    @property
    def is_recurring(self) -> bool:
        return bool(self.frequency)

    @property
    def recurrence_label(self) -> str:
        """The rule in words, e.g. “每季度一次，共 4 次”."""
        if not self.frequency:
            return ""
        n = max(self.interval or 1, 1)
        if self.frequency == Frequency.MONTHLY and n == 3:
            label = gettext("每季度一次")
        elif n == 1:
            label = {
                Frequency.WEEKLY: gettext("每周一次"),
                Frequency.MONTHLY: gettext("每月一次"),
                Frequency.YEARLY: gettext("每年一次"),
            }[self.frequency]
        else:
            label = {
                Frequency.WEEKLY: gettext("每 %(n)s 周一次"),
                Frequency.MONTHLY: gettext("每 %(n)s 个月一次"),
                Frequency.YEARLY: gettext("每 %(n)s 年一次"),
            }[self.frequency] % {"n": n}
        if self.count:
            label += gettext("，共 %(n)s 次") % {"n": self.count}
        elif self.until:
            label += gettext("，至 %(date)s") % {"date": date_display(self.until)}
        return label

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def ical_uid(self) -> str:
        return f"{self.global_id}@portal"

    @property
    def agenda_text(self) -> str:
        return strip_tags(self.agenda or "")


class EventException(Orderable):
    """One occurrence of a recurring event, cancelled or moved."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("取消")
        MOVED = "moved", _("改期")

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="exceptions")
    original_date = models.DateField(_("原定日期"), help_text=_("按北京时间计的原定日期"))
    kind = models.CharField(_("变更"), max_length=16, choices=Kind.choices)
    new_starts_at = models.DateTimeField(_("新的开始时间"), null=True, blank=True)
    new_ends_at = models.DateTimeField(_("新的结束时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("original_date"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("new_starts_at"), FieldPanel("new_ends_at")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("例外")
        verbose_name_plural = _("例外")
        constraints = [
            models.UniqueConstraint(fields=["event", "original_date"], name="one_exception_per_occurrence"),
        ]

    def clean(self):
        super().clean()
        if self.kind == self.Kind.MOVED and not (self.new_starts_at and self.new_ends_at):
            raise ValidationError({"new_starts_at": _("改期须填写新的开始和结束时间")})


def _validate_link(value: str) -> None:
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator()(value)


class EventMaterialLink(Orderable):
    """Minutes, decisions and other materials of a meeting, linked by title and address."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("会议纪要")
        DECISION = "decision", _("会议决定")
        OTHER = "other", _("其他材料")

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="material_links")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.MINUTES)
    title = models.CharField(_("标题"), max_length=200)
    url = models.CharField(
        _("链接"), max_length=500, validators=[_validate_link], help_text=_("完整网址或本站路径，如 /about/")
    )
    # The shared material's global id, once the materials repository holds it.
    material_global_id = models.UUIDField(_("资料全局编号"), null=True, blank=True)
    # Admin forms accept only a material the user may read (portal.viewsets).
    shared_record_references = {"material_global_id": "materials.Material"}

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        FieldPanel("url"),
        FieldPanel("material_global_id"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("材料")
        verbose_name_plural = _("材料")


class ActionItem(Orderable):
    """A follow-up task agreed at a meeting."""

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("事项"), max_length=300)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    done = models.BooleanField(_("已完成"), default=False)

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("owner_organisation"), FieldPanel("owner_user")]),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("done")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("后续工作事项")
        verbose_name_plural = _("后续工作事项")


class RSVP(models.Model):
    """A staff member's answer whether they attend one occurrence; counted per organisation for the host.

    The event's region owns the answers: one given at the partner region to a copy
    of the event is kept there as PENDING, travels to the host as the ``events.rsvp``
    command, and becomes RECORDED (or REFUSED, with the reason) with the host's reply.
    """

    class State(models.TextChoices):
        RECORDED = "recorded", _("主办方已收到")
        PENDING = "pending", _("正在送达主办方")
        REFUSED = "refused", _("主办方未接受")

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    # The occurrence's original date in Asia/Shanghai (a one-off event's own date).
    occurrence_date = models.DateField(_("场次日期"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    attending = models.BooleanField(_("参加"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.RECORDED)
    decision_reason = models.CharField(_("未接受的原因"), max_length=200, blank=True)
    # When the staff member answered: the host keeps the latest answer, whatever order they arrive in.
    answered_at = models.DateTimeField(_("回复时间"), default=timezone.now)
    responded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("参会回执")
        verbose_name_plural = _("参会回执")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "occurrence_date", "user"], name="one_rsvp_per_user_and_occurrence"
            ),
        ]

    def __str__(self):
        return f"{self.event} · {self.occurrence_date} · {self.user} · {'+' if self.attending else '-'}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a staff member's private calendar feed address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events_calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("私有日历订阅")
        verbose_name_plural = _("私有日历订阅")

    def __str__(self):
        return str(self.user)


class EventCalendarPage(RoutablePageMixin, EnglishVersion, Page):
    """The calendar's place in the page tree, so the site menu links to it. Its address is /events/,
    answered by the calendar's own views (events.urls); its routes hand over to those views."""

    introduction = models.TextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), *EnglishVersion.english_panels]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("联席会议日历页面")

    def _calendar(self, request, name: str, **kwargs):
        query = request.GET.urlencode()
        try:
            url = reverse(f"events:{name}", kwargs=kwargs)
        except NoReverseMatch:  # a year or month the calendar's own addresses cannot hold
            raise Http404 from None
        return redirect(url + (f"?{query}" if query else ""))

    @path("")
    def calendar_list(self, request):
        return self._calendar(request, "event_list")

    @path("past/")
    def calendar_past(self, request):
        return self._calendar(request, "event_past")

    @path("past/<int:year>/")
    def calendar_past_year(self, request, year: int):
        return self._calendar(request, "event_past_year", year=year)

    @path("month/<int:year>/<int:month>/")
    def calendar_month(self, request, year: int, month: int):
        return self._calendar(request, "event_month", year=year, month=month)

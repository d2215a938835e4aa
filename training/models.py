import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from portal.models import AccessLevel, Organisation, Region
from portal.records.models import SharedRecord, Versioned
from portal.searchable import Searchable, searchable_fields


class Course(Searchable, index.Indexed, SharedRecord):
    """A joint cadre-training course; its organiser is the origin organisation."""

    # The list's order (portal.pagination reads it), newest first; the id makes it total and the
    # index below matches.
    LISTING_ORDER = ("-created_at", "-pk")

    title = models.CharField(_("课程名称"), max_length=200)
    summary = models.TextField(_("课程简介"), blank=True)
    completion_min_attendance_percent = models.PositiveSmallIntegerField(
        _("结业所需出勤率（%）"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("学员出席的课次占全部课次的比例达到此值即可结业"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("origin_organisation"),
        FieldPanel("completion_min_attendance_percent"),
        FieldPanel("access_level"),
    ]
    search_text = ("title", "summary")
    search_fields = [
        *searchable_fields(search_text),
        index.FilterField("origin_region"),
        index.FilterField("access_level"),
    ]

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-created_at", "-pk"]
        # LISTING_ORDER, read off the index.
        indexes = [models.Index(fields=["-created_at", "-id"], name="course_listing_order")]

    def __str__(self):
        return self.title

    @property
    def organiser(self) -> Organisation:
        return self.origin_organisation

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Sessions carry the course's access level to the partner: re-announce them when it changes.
        for session in self.sessions.exclude(access_level=self.access_level):
            session.save()


class Eligibility(models.TextChoices):
    BOTH_REGIONS = "both_regions", _("川渝两地工作人员")
    HOST_REGION = "host_region", _("仅主办地区工作人员")
    INVITATION = "invitation", _("仅限受邀单位")


class Session(ClusterableModel, Versioned):
    """One run of a course (期/班次): dates, venue, capacity and who may enrol."""

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("班次名称"), max_length=200)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    venue = models.CharField(_("地点"), max_length=200)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("授课人（本站用户）"), blank=True, related_name="+"
    )
    trainer_names = models.CharField(
        _("授课人"), max_length=300, blank=True, help_text=_("不在本站注册的授课专家，用顿号分隔")
    )
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    enrolment_opens = models.DateTimeField(_("报名开始"))
    enrolment_closes = models.DateTimeField(_("报名截止"))
    eligibility = models.CharField(
        _("报名范围"), max_length=16, choices=Eligibility.choices, default=Eligibility.BOTH_REGIONS
    )
    invited_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("受邀单位"), blank=True, related_name="+"
    )
    # What sync needs to carry the session to the partner; always copied from the course.
    origin_region = models.CharField(max_length=16, choices=Region.choices, editable=False, blank=True)
    origin_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    access_level = models.CharField(
        max_length=16, choices=AccessLevel.choices, default=AccessLevel.PUBLIC, editable=False
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        MultiFieldPanel([FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("venue")], _("时间地点")),
        MultiFieldPanel([FieldPanel("trainers"), FieldPanel("trainer_names")], _("授课人")),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("enrolment_opens"),
                FieldPanel("enrolment_closes"),
                FieldPanel("eligibility"),
                FieldPanel("invited_organisations"),
            ],
            _("报名"),
        ),
        InlinePanel("sittings", heading=_("课程安排"), label=_("课次")),
    ]

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="session_dates",
                violation_error_message=_("结业日期不能早于开班日期。"),
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_closes__gte=models.F("enrolment_opens")),
                name="session_enrolment_window",
                violation_error_message=_("报名截止时间不能早于报名开始时间。"),
            ),
        ]

    def __str__(self):
        return f"{self.course.title} · {self.title}"

    @property
    def region(self) -> str:
        """The region that owns the session and decides on every enrolment."""
        return self.course.origin_region

    @property
    def organiser(self) -> Organisation:
        return self.course.origin_organisation

    def save(self, *args, **kwargs):
        self.origin_region = self.course.origin_region or settings.PORTAL_REGION
        self.origin_organisation = self.course.origin_organisation
        self.access_level = self.course.access_level
        super().save(*args, **kwargs)


class Sitting(models.Model):
    """One class meeting of a session; attendance is taken per sitting."""

    session = ParentalKey(Session, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="sittings")
    title = models.CharField(_("课次内容"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))

    panels = [FieldPanel("title"), FieldPanel("starts_at"), FieldPanel("ends_at")]

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="sitting_times",
                violation_error_message=_("课次的结束时间必须晚于开始时间。"),
            ),
        ]

    def __str__(self):
        return self.title or str(self.starts_at)


class Enrolment(Versioned):
    """A staff member's place (or request for one) in a session.

    The session's region owns the enrolment and alone decides on it
    (DESIGN.md §4.6): a request from the partner region waits in REQUESTED
    until the owner decides; global_id, owner_region and version let sync
    carry the request there and the decision back.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("已申请，待主办方确认")
        ENROLLED = "enrolled", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        CANCELLED = "cancelled", _("已取消")
        DECLINED = "declined", _("未获批准")

    ACTIVE_STATES = (State.REQUESTED, State.ENROLLED, State.WAITLISTED)

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        Session, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="enrolments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("学员单位"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    owner_region = models.CharField(_("决定方地区"), max_length=16, choices=Region.choices)
    requested_from_region = models.CharField(_("申请方地区"), max_length=16, choices=Region.choices)
    # Waitlist order: the moment the enrolment joined the waitlist.
    queued_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("未获批准的原因"), blank=True)
    # At the requester: the staff member asked the owner region to cancel; its answer comes back.
    cancel_requested_at = models.DateTimeField(_("申请取消时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Sync: the owner region is the origin; only requests from the partner travel (training.sync).
    origin_region = models.CharField(max_length=16, choices=Region.choices, editable=False, blank=True)
    origin_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    access_level = models.CharField(
        max_length=16, choices=AccessLevel.choices, default=AccessLevel.PARTNERS, editable=False
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(state__in=["requested", "enrolled", "waitlisted"]),
                name="one_active_enrolment_per_session",
            ),
        ]
        indexes = [models.Index(fields=["session", "state", "queued_at"])]

    def __str__(self):
        return f"{self.user} · {self.session} · {self.get_state_display()}"

    def save(self, *args, **kwargs):
        self.origin_region = self.owner_region
        if self.origin_organisation_id is None:
            self.origin_organisation = self.session.course.origin_organisation
        super().save(*args, **kwargs)


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("出席"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "sitting"], name="one_attendance_per_sitting"),
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.sitting_id} · {'✓' if self.present else '✗'}"


# Unambiguous characters only: codes are read off paper and typed in.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"CY-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(_("证书编号"), max_length=32, unique=True, default=certificate_code)
    issued_at = models.DateTimeField(_("发证时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.code

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from portal.models import AccessLevel, Organisation, Topic
from portal.records.models import SharedRecord
from portal.searchable import Searchable, searchable_fields


class Project(Searchable, index.Indexed, SharedRecord):
    """A research project run jointly by offices of both regions (协同开展党史课题研究)."""

    # The public list's order (portal.pagination reads it): the id makes it total, since two projects
    # may share a start date and a title; the index below matches.
    LISTING_ORDER = ("-start_date", "title", "-pk")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("拟立项")
        ACTIVE = "active", _("进行中")
        COMPLETED = "completed", _("已结项")
        SUSPENDED = "suspended", _("已暂停")

    title = models.CharField(_("课题名称"), max_length=200)
    summary = models.TextField(_("课题简介"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("主题词"), blank=True, related_name="research_projects"
    )
    # Not blank: the admin form then requires at least one lead organisation.
    lead_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("牵头单位"),
        related_name="led_research_projects",
        help_text=_("可选两地任一单位，至少一个"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划结项日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("lead_organisations"),
        FieldPanel("topics"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("start_date"), FieldPanel("planned_end")]),
        MultiFieldPanel([FieldPanel("origin_organisation"), FieldPanel("access_level")], heading=_("共享")),
    ]
    search_text = ("title", "summary")
    search_fields = [
        *searchable_fields(search_text),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("access_level"),
    ]

    class Meta:
        verbose_name = _("联合研究课题")
        verbose_name_plural = _("联合研究课题")
        ordering = ["-start_date", "title", "-pk"]
        # LISTING_ORDER, read off the index.
        indexes = [models.Index(fields=["-start_date", "title", "-id"], name="project_listing_order")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.planned_end and self.planned_end < self.start_date:
            raise ValidationError({"planned_end": _("计划结项日期不能早于开始日期。")})

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("research:project_detail", kwargs={"global_id": self.global_id})


class ProjectPart(models.Model):
    """A row that belongs to a project: changing it is a change of the project.

    It travels with its project; its own global id lets the receiver upsert it.
    """

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Project.version_bump(pk=self.project_id, updated_at=timezone.now())

    def delete(self, *args, **kwargs):
        project_id = self.project_id
        result = super().delete(*args, **kwargs)
        Project.version_bump(pk=project_id, updated_at=timezone.now())
        return result


class ProjectMember(ProjectPart):
    class Role(models.TextChoices):
        LEAD = "lead", _("负责人")
        MEMBER = "member", _("成员")
        ADVISOR = "advisor", _("顾问")

    project = models.ForeignKey(
        Project, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="members"
    )
    # Staff of the partner region have no account here: they are listed by name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="research_memberships",
    )
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    panels = [
        FieldPanel("project"),
        FieldPanel("user"),
        FieldPanel("full_name"),
        FieldPanel("organisation"),
        FieldPanel("role"),
    ]

    class Meta:
        verbose_name = _("课题组成员")
        verbose_name_plural = _("课题组成员")
        ordering = ["project", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="research_member_once_per_project"),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.get_role_display()}"

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        if self.user_id:
            from portal.names import staff_display_name

            return staff_display_name(self.user)
        return ""

    def clean(self):
        super().clean()
        if not self.user_id and not self.full_name:
            raise ValidationError(_("请选择用户或填写姓名。"))


class Milestone(ProjectPart):
    class State(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    OPEN_STATES = (State.PLANNED, State.IN_PROGRESS)

    project = models.ForeignKey(
        Project, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点名称"), max_length=200)
    due_date = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PLANNED)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    panels = [
        FieldPanel("project"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("state"), FieldPanel("completed_at")]),
    ]

    class Meta:
        verbose_name = _("课题节点")
        verbose_name_plural = _("课题节点")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open() and self.due_date < today


class ProjectOutput(ProjectPart):
    """A research result of a project; a shared material it becomes is linked by global id."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("论文")
        REPORT = "report", _("研究报告")
        POLICY_BRIEF = "policy_brief", _("资政报告")
        BOOK = "book", _("专著")
        COMPILATION = "compilation", _("资料汇编")
        OTHER = "other", _("其他")

    project = models.ForeignKey(
        Project, verbose_name=_("课题"), on_delete=models.CASCADE, related_name="outputs"
    )
    title = models.CharField(_("成果名称"), max_length=200)
    kind = models.CharField(_("成果类型"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    url = models.URLField(_("链接"), blank=True)
    material_global_id = models.UUIDField(
        _("资料库编号"),
        null=True,
        blank=True,
        help_text=_("共享资料库中对应资料的全局编号（可选）"),
    )
    # Admin forms accept only a material the user may read (portal.viewsets).
    shared_record_references = {"material_global_id": "materials.Material"}
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    panels = [
        FieldPanel("project"),
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("url"),
        FieldPanel("material_global_id"),
    ]

    class Meta:
        verbose_name = _("课题成果")
        verbose_name_plural = _("课题成果")
        ordering = ["-added_at", "-pk"]

    def __str__(self):
        return self.title


class Expert(Searchable, index.Indexed, SharedRecord):
    """A member of the shared expert pool (专家库)."""

    # The pool's order (portal.pagination reads it): the id makes it total, since two experts may
    # share a name; the index below matches.
    LISTING_ORDER = ("name", "pk")

    # The pool is for staff of both regions unless said otherwise.
    access_level = models.CharField(
        _("访问级别"), max_length=16, choices=AccessLevel.choices, default=AccessLevel.PARTNERS
    )
    name = models.CharField(_("姓名"), max_length=64)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在党史部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    affiliation = models.CharField(
        _("工作单位"), max_length=128, blank=True, help_text=_("不属于党史部门的专家填写，如高校")
    )
    title = models.CharField(_("职称职务"), max_length=128, blank=True)
    fields = models.ManyToManyField(
        Topic,
        verbose_name=_("研究领域"),
        blank=True,
        limit_choices_to={"kind": Topic.Kind.THEME},
        related_name="experts",
    )
    bio = models.TextField(_("简介"), blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("参与课题"), blank=True, related_name="experts")

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("affiliation")]),
        FieldPanel("title"),
        FieldPanel("fields"),
        FieldPanel("bio"),
        FieldPanel("projects"),
        MultiFieldPanel([FieldPanel("origin_organisation"), FieldPanel("access_level")], heading=_("共享")),
    ]
    search_text = ("name", "title", "workplace", "bio")
    search_fields = [
        *searchable_fields(search_text),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["name", "pk"]
        # LISTING_ORDER, read off the index.
        indexes = [models.Index(fields=["name", "id"], name="expert_listing_order")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.organisation_id and not self.affiliation:
            raise ValidationError(_("请选择所在党史部门或填写工作单位。"))

    @property
    def workplace(self) -> str:
        return self.organisation.name if self.organisation_id else self.affiliation

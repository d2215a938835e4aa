from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeLog(models.Model):
    """The transactional outbox: one row per change to a record this region owns.

    Written in the same transaction as the change. The feed serves each row with
    the record's state at read time, so content lowered to internal or deleted
    later never leaves, whatever older rows said.
    """

    class Op(models.TextChoices):
        UPSERT = "upsert", _("新增或修改")
        DELETE = "delete", _("删除")
        WITHDRAW = "withdraw", _("撤回")

    seq = models.BigAutoField(primary_key=True)
    global_id = models.UUIDField(db_index=True)
    model_label = models.CharField(max_length=100)
    op = models.CharField(max_length=16, choices=Op.choices)
    version = models.PositiveIntegerField()
    # Only what a delete or withdraw needs; upserts are serialised when served.
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.op} {self.model_label} {self.global_id} v{self.version}"


class PartnerCursor(models.Model):
    """How far this region has applied a partner's change feed, and how the last pull went."""

    region = models.CharField(_("地区"), max_length=16, unique=True)
    after_seq = models.BigIntegerField(_("已应用至"), default=0)
    partner_head = models.BigIntegerField(_("对方最新序号"), default=0)
    applied_total = models.BigIntegerField(_("累计应用"), default=0)
    last_success_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    last_error_at = models.DateTimeField(_("错误时间"), null=True, blank=True)
    last_change_at = models.DateTimeField(_("最近变更的产生时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同步进度")
        verbose_name_plural = _("同步进度")

    def __str__(self):
        return f"{self.region} @ {self.after_seq}"

    @property
    def backlog(self) -> int:
        return max(self.partner_head - self.after_seq, 0)


class SyncedCopy(models.Model):
    """What the last applied change left in a replica; a local drift from it is a conflict.

    A row with ``deleted`` set is a tombstone: older changes cannot bring the record back.
    """

    model_label = models.CharField(max_length=100)
    global_id = models.UUIDField()
    origin_region = models.CharField(max_length=16)
    version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, blank=True)
    deleted = models.BooleanField(default=False)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_label", "global_id"], name="one_synced_copy_per_record"),
        ]

    def __str__(self):
        return f"{self.model_label} {self.global_id} v{self.version}"


class Conflict(models.Model):
    """A change from a partner that was not applied because the local copy differs."""

    class Resolution(models.TextChoices):
        TOOK_ORIGIN = "took_origin", _("采用来源地区的版本")
        KEPT_LOCAL = "kept_local", _("保留本地版本")

    model_label = models.CharField(_("类型"), max_length=100)
    global_id = models.UUIDField(_("全局编号"))
    partner_region = models.CharField(_("来源地区"), max_length=16)
    incoming_version = models.PositiveIntegerField(_("对方版本"))
    local_version = models.PositiveIntegerField(_("本地版本"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    incoming = models.JSONField(_("对方内容"), default=dict)
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理方式"), max_length=16, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("同步冲突")
        verbose_name_plural = _("同步冲突")
        ordering = ["-detected_at"]

    def __str__(self):
        return f"{self.model_label} {self.global_id}: {self.reason}"


class SeenRequest(models.Model):
    """Message ids of signed requests already accepted: a replay is refused."""

    message_id = models.CharField(max_length=128, unique=True)
    key_id = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.message_id


class RefusedRequest(models.Model):
    """Refused requests to /sync/, counted per source and reason (not one row each), for staff.

    Unsigned traffic only raises a count; rows not seen for SYNC_REFUSED_KEEP_DAYS are pruned.
    """

    source = models.CharField(_("来源地址"), max_length=64)
    reason = models.CharField(_("原因"), max_length=64)
    count = models.PositiveBigIntegerField(_("次数"), default=1)
    first_seen = models.DateTimeField(_("首次"), default=timezone.now)
    last_seen = models.DateTimeField(_("最近"), default=timezone.now, db_index=True)
    last_path = models.CharField(_("最近请求路径"), max_length=255, blank=True)
    last_key_id = models.CharField(_("最近密钥编号"), max_length=128, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reason"], name="one_refusal_count_per_source_and_reason"
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.reason} ×{self.count}"


class QuarantinedChange(models.Model):
    """A partner's change that failed validation: not applied, kept with its reason until settled.

    Settled when staff retry it successfully, or when a later version of the record arrives.
    """

    class Resolution(models.TextChoices):
        APPLIED = "applied", _("重试后已应用")
        RETRIED = "retried", _("重试后无需应用")
        SUPERSEDED = "superseded", _("已被更新的版本取代")

    partner_region = models.CharField(_("来源地区"), max_length=16)
    seq = models.BigIntegerField(_("对方序号"), null=True, blank=True)
    model_label = models.CharField(_("类型"), max_length=100, blank=True)
    global_id = models.UUIDField(_("全局编号"), null=True, blank=True)
    version = models.PositiveIntegerField(_("对方版本"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=64)
    detail = models.TextField(_("说明"), blank=True)
    change = models.JSONField(_("对方内容"), default=dict)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("重试次数"), default=0)
    last_attempt_at = models.DateTimeField(_("最近重试"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=16, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("被拒收的变更")
        verbose_name_plural = _("被拒收的变更")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["partner_region", "resolved_at"])]

    def __str__(self):
        return f"{self.partner_region} #{self.seq} {self.model_label} {self.global_id}: {self.reason}"


class OutgoingCommand(models.Model):
    """A request owned by the partner region (an enrolment, an RSVP), kept until the owner answers.

    Written in the transaction of the user's action, so a broker, worker or partner
    that is down loses nothing: the sender retries in order until the owner replies.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待送达")
        DELIVERED = "delivered", _("已送达")
        REFUSED = "refused", _("被对方拒绝")

    partner_region = models.CharField(_("对方地区"), max_length=16)
    name = models.CharField(_("请求"), max_length=100)
    payload = models.JSONField(_("内容"), default=dict)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    reply = models.JSONField(_("对方答复"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发往对方的请求")
        verbose_name_plural = _("发往对方的请求")
        ordering = ["pk"]
        indexes = [models.Index(fields=["partner_region", "state", "id"])]

    def __str__(self):
        return f"{self.name} → {self.partner_region} ({self.state})"

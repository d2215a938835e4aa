"""The security audit log (安全审计): append-only entries, kept at least RETENTION_DAYS."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 网络安全法 第二十一条: network logs are kept no less than six months.
RETENTION_DAYS = 180


class AuditLogImmutable(Exception):
    """An audit entry was about to be changed or deleted outside the retention prune."""


class Event(models.TextChoices):
    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    LOCKOUT = "lockout", _("登录锁定")
    UNLOCK = "unlock", _("解除锁定")
    SIGN_OUT = "sign_out", _("退出登录")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("退出全部会话")
    OTP_ENROLLED = "otp_enrolled", _("启用两步验证")
    OTP_VERIFIED = "otp_verified", _("两步验证通过")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    OTP_RECOVERY_USED = "otp_recovery_used", _("使用恢复码")
    OTP_REMOVED = "otp_removed", _("停用两步验证")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PERMISSION_DENIED = "permission_denied", _("拒绝访问")
    DOWNLOAD = "download", _("下载非公开文件")
    EXPORT = "export", _("导出")
    USER_CHANGED = "user_changed", _("用户变更")
    GROUP_CHANGED = "group_changed", _("用户组变更")
    ROLE_CHANGED = "role_changed", _("角色变更")
    ORGANISATION_CHANGED = "organisation_changed", _("单位变更")
    SYNC_REFUSED = "sync_refused", _("拒绝同步请求")
    AUDIT_PRUNED = "audit_pruned", _("清理过期审计记录")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    REFUSED = "refused", _("拒绝")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit entries cannot be changed")

    def delete(self):
        raise AuditLogImmutable("audit entries are removed only by audit_prune after their retention")

    def _prune_expired(self, *, before) -> int:
        """Deletes entries older than ``before``; used only by services.audit_prune."""
        if before > timezone.now() - timezone.timedelta(days=RETENTION_DAYS):
            raise AuditLogImmutable(f"entries are kept at least {RETENTION_DAYS} days")
        expired = self.filter(at__lt=before)
        return models.QuerySet.delete(expired)[0]


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    event = models.CharField(_("事件"), max_length=32, choices=Event.choices, db_index=True, editable=False)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The name as typed or held at the time, kept when the account is renamed or removed.
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True, editable=False)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True, editable=False)
    path = models.CharField(_("路径"), max_length=255, blank=True, editable=False)
    target = models.CharField(_("对象"), max_length=255, blank=True, editable=False)
    details = models.JSONField(_("详情"), default=dict, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.event} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditLogImmutable("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit entries are removed only by audit_prune after their retention")

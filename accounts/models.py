"""Sign-in failures and locks (登录失败处理), and each staff member's open sessions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInFailure(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.username} {self.ip_address} {self.at:%Y-%m-%d %H:%M:%S}"


class SignInLock(models.Model):
    class Kind(models.TextChoices):
        ACCOUNT = "account", _("账户")
        ADDRESS = "address", _("来源地址")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("账户或地址"), max_length=150)
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)
    until = models.DateTimeField(_("锁定至"), db_index=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        ordering = ["-locked_at"]
        permissions = [("unlock_signinlock", _("可以解除登录锁定"))]
        default_permissions = ()

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class StaffSession(models.Model):
    """A signed-in session of a user, so that all of them can be ended at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"

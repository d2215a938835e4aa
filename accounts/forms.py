from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from audit.models import Event, Outcome
from audit.services import audit_record
from portal.dates import date_display

from .models import SignInLock
from .services import sign_in_lock_active


def lock_message(lock: SignInLock) -> str:
    when = date_display(lock.until)
    if lock.kind == SignInLock.Kind.ACCOUNT:
        return _("登录失败次数过多，该账户已被锁定，请于 %(when)s 后再试。") % {"when": when}
    return _("来自您所在地址的登录失败次数过多，已暂停登录，请于 %(when)s 后再试。") % {"when": when}


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form, refusing a locked account or address and saying until when."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip_address = self.request.META.get("REMOTE_ADDR") if self.request is not None else None
        lock = sign_in_lock_active(username=username or "", ip_address=ip_address)
        if lock is not None:
            audit_record(
                event=Event.SIGN_IN_FAILED,
                outcome=Outcome.REFUSED,
                request=self.request,
                username=username or "",
                details={"reason": "locked", "lock": f"{lock.kind}:{lock.value}"},
            )
            raise ValidationError(lock_message(lock), code="locked")
        try:
            return super().clean()
        except ValidationError:
            lock = sign_in_lock_active(username=username or "", ip_address=ip_address)
            if lock is not None:
                raise ValidationError(lock_message(lock), code="locked") from None
            raise


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": ""}
        ),
    )

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import OneTimeCodeForm
from .models import SignInLock, StaffSession
from .otp import (
    recovery_codes_renew,
    second_factor_enrolled,
    second_factor_remove,
    second_factor_required,
    second_factor_verify,
    totp_device_pending,
    totp_enrol_confirm,
    totp_qr_svg,
    totp_secret_base32,
)
from .services import sign_in_lock_lift, staff_sessions_end_everywhere


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def two_factor_verify(request):
    if request.user.is_verified():
        return HttpResponseRedirect(_next(request))
    if not second_factor_enrolled(user=request.user):
        return redirect("accounts_two_factor_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next(request))
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


def two_factor_setup(request):
    if request.user.is_verified() is False and second_factor_enrolled(user=request.user):
        # Replacing a device needs the current one first.
        return redirect(f"{reverse('accounts_two_factor_verify')}?next={request.path}")
    device = totp_device_pending(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrol_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重试。"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret_base32(device),
            "next": _next(request),
            "required": second_factor_required(user=request.user),
        },
    )


def two_factor_manage(request):
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "enrolled": second_factor_enrolled(user=request.user),
            "required": second_factor_required(user=request.user),
        },
    )


@require_POST
def recovery_codes(request):
    if not request.user.is_verified():
        raise PermissionDenied
    codes = recovery_codes_renew(user=request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts_two_factor")}
    )


@require_POST
def two_factor_disable(request):
    if second_factor_required(user=request.user) or not request.user.is_verified():
        raise PermissionDenied
    second_factor_remove(request=request, user=request.user)
    messages.success(request, _("已停用两步验证。"))
    return redirect("accounts_two_factor")


def sessions(request):
    if request.method == "POST":
        staff_sessions_end_everywhere(request=request)
        return redirect("wagtailadmin_login")
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": StaffSession.objects.filter(user=request.user).order_by("-started_at"),
            "current": request.session.session_key,
        },
    )


def _may_unlock(user) -> bool:
    return user.has_perm("accounts.unlock_signinlock")


def sign_in_locks(request):
    if not _may_unlock(request.user):
        raise PermissionDenied
    if request.method == "POST":
        lock = get_object_or_404(SignInLock, pk=request.POST.get("lock"), lifted_at__isnull=True)
        sign_in_lock_lift(lock=lock, by=request.user, request=request)
        messages.success(request, _("已解除对“%(value)s”的登录锁定。") % {"value": lock.value})
        return redirect("accounts_sign_in_locks")
    locks = SignInLock.objects.filter(lifted_at__isnull=True, until__gt=timezone.now())
    return render(request, "accounts/sign_in_locks.html", {"locks": locks})

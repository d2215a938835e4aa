"""Second factors (两种或两种以上组合的鉴别技术): TOTP devices and recovery codes, on django-otp."""

import base64

from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings

from audit.models import Event, Outcome
from audit.services import audit_record

RECOVERY_CODES = 10


def second_factor_required(*, user) -> bool:
    """Superusers, reviewers and organisation administrators must sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not settings.ACCOUNTS_SECOND_FACTOR_ENFORCED:
        return False
    if user.is_superuser:
        return True
    from portal.selectors import user_roles

    return bool(user_roles(user=user) & set(settings.ACCOUNTS_SECOND_FACTOR_ROLES))


def second_factor_enrolled(*, user) -> bool:
    return user_has_device(user, confirmed=True)


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows, made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def totp_enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a first code; returns fresh recovery codes, or None for a wrong code."""
    if not device.verify_token(token):
        audit_record(
            event=Event.OTP_FAILED, outcome=Outcome.FAILURE, request=request, details={"step": "enrolment"}
        )
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    codes = recovery_codes_renew(user=device.user)
    from django_otp import login as otp_login

    otp_login(request, device)
    audit_record(event=Event.OTP_ENROLLED, request=request, user=device.user)
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_verify(*, request, token: str) -> bool:
    """Check a code against the user's devices; the session is verified on success."""
    from django_otp import login as otp_login

    user = request.user
    token = token.strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            audit_record(
                event=Event.OTP_RECOVERY_USED if recovery else Event.OTP_VERIFIED,
                request=request,
                user=user,
                details={"remaining": device.token_set.count()} if recovery else {},
            )
            return True
    audit_record(event=Event.OTP_FAILED, outcome=Outcome.FAILURE, request=request, user=user)
    return False


def second_factor_remove(*, request, user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(event=Event.OTP_REMOVED, request=request, target=user.get_username())

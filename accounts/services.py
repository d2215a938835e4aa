"""Sign-in locks, sessions and second factors: the writes of the accounts app."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.models import Event, Outcome
from audit.services import audit_record

from .models import SignInFailure, SignInLock, StaffSession


def _username(value) -> str:
    return str(value or "").strip().lower()[:150]


def sign_in_lock_active(*, username: str, ip_address: str | None) -> SignInLock | None:
    """The lock that refuses this sign-in now: the account's or the source address's."""
    subjects = Q(kind=SignInLock.Kind.ACCOUNT, value=_username(username))
    if ip_address:
        subjects |= Q(kind=SignInLock.Kind.ADDRESS, value=ip_address)
    return (
        SignInLock.objects.filter(subjects, until__gt=timezone.now(), lifted_at__isnull=True)
        .order_by("-until")
        .first()
    )


@transaction.atomic
def sign_in_failure_record(*, username: str, ip_address: str | None, request=None) -> list[SignInLock]:
    """Count a failed sign-in; lock the account, and separately the address, at the limit.

    A limit of ACCOUNTS_LOCKOUT_FAILURES failures within ACCOUNTS_LOCKOUT_WINDOW locks the
    subject for ACCOUNTS_LOCKOUT_DURATION. Failures before an administrator's unlock do not count.
    """
    username = _username(username)
    now = timezone.now()
    if sign_in_lock_active(username=username, ip_address=ip_address) is not None:
        return []  # refused before the password was checked; the lock is not extended
    SignInFailure.objects.create(username=username, ip_address=ip_address, at=now)
    # Only the window counts; older failures are in the audit log.
    SignInFailure.objects.filter(at__lt=now - 4 * settings.ACCOUNTS_LOCKOUT_WINDOW).delete()
    created = []
    for kind, value, failures in (
        (SignInLock.Kind.ACCOUNT, username, Q(username=username)),
        (SignInLock.Kind.ADDRESS, ip_address, Q(ip_address=ip_address)),
    ):
        if not value:
            continue
        start = now - settings.ACCOUNTS_LOCKOUT_WINDOW
        lifted = SignInLock.objects.filter(kind=kind, value=value).aggregate(last=Max("lifted_at"))["last"]
        if lifted and lifted > start:
            start = lifted
        if SignInFailure.objects.filter(failures, at__gt=start).count() < settings.ACCOUNTS_LOCKOUT_FAILURES:
            continue
        lock = SignInLock.objects.create(
            kind=kind, value=value, locked_at=now, until=now + settings.ACCOUNTS_LOCKOUT_DURATION
        )
        audit_record(
            event=Event.LOCKOUT,
            outcome=Outcome.REFUSED,
            request=request,
            username=username,
            ip_address=ip_address,
            target=f"{kind}:{value}",
            details={"until": lock.until.isoformat()},
        )
        created.append(lock)
    return created


@transaction.atomic
def sign_in_lock_lift(*, lock: SignInLock, by, request=None) -> SignInLock:
    lock.lifted_at = timezone.now()
    lock.lifted_by = by
    lock.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(
        event=Event.UNLOCK,
        request=request,
        user=by,
        target=f"{lock.kind}:{lock.value}",
        details={"locked_at": lock.locked_at.isoformat(), "until": lock.until.isoformat()},
    )
    return lock


def _session_store(session_key: str) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def staff_session_register(*, request, user) -> None:
    """Remember the request's session as one of the user's (once per session key)."""
    key = request.session.session_key
    if not key or request.session.get("_staff_session") == key:
        return
    StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.headers.get("user-agent", "")[:255],
        },
    )
    request.session["_staff_session"] = key


def staff_sessions_end(*, user, keep: str | None = None) -> int:
    """End every session of the user (but ``keep``): they are deleted from the session store."""
    sessions = StaffSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    ended = 0
    for key in list(sessions.values_list("session_key", flat=True)):
        _session_store(key).delete()
        ended += 1
    sessions.delete()
    return ended


def staff_sessions_end_everywhere(*, request) -> int:
    from django.contrib.auth import logout

    user = request.user
    ended = staff_sessions_end(user=user, keep=request.session.session_key)
    audit_record(event=Event.SIGN_OUT_EVERYWHERE, request=request, user=user, details={"others": ended})
    logout(request)
    return ended

from django.core.exceptions import PermissionDenied

from .services import sign_in_lock_active


class LockoutBackend:
    """First in AUTHENTICATION_BACKENDS: a locked account or address is refused before any password check.

    It has no get_user, so sessions are never bound to it (force_login picks the first backend that has one).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip_address = request.META.get("REMOTE_ADDR") if request is not None else None
        if username is not None and sign_in_lock_active(username=username, ip_address=ip_address):
            raise PermissionDenied
        return None

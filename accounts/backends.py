from django.core.exceptions import PermissionDenied

from .services import sign_in_lock_active


class LockoutBackend:
    """First in AUTHENTICATION_BACKENDS: a locked account or address is refused before any password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip_address = request.META.get("REMOTE_ADDR") if request is not None else None
        if username is not None and sign_in_lock_active(username=username, ip_address=ip_address):
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return None

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .otp import second_factor_enrolled, second_factor_required
from .services import staff_session_register


class StaffSessionMiddleware:
    """Signed-in sessions end after ACCOUNTS_IDLE_TIMEOUT without a request (登录连接超时自动退出);
    each is remembered so that its user can end all of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.session.set_expiry(int(settings.ACCOUNTS_IDLE_TIMEOUT.total_seconds()))
            staff_session_register(request=request, user=request.user)
        return self.get_response(request)


# Reachable between the password and the second factor (the admin pages' icons and JS catalogue too).
SECOND_FACTOR_OPEN = (
    "/admin/two-factor/",
    "/admin/logout/",
    "/admin/sprite/",
    "/admin/jsi18n/",
    "/jsi18n/",
    "/static/",
    "/healthz",
    "/readyz",
)


class SecondFactorMiddleware:
    """After the password, a user with a second factor (or a role that needs one) must give a code
    before anything else; a role that needs one and has none is sent to enrol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_OPEN)
            and not request.path.startswith("/sync/")
        ):
            if second_factor_enrolled(user=user):
                return self._to("accounts_two_factor_verify", request)
            if second_factor_required(user=user):
                return self._to("accounts_two_factor_setup", request)
        return self.get_response(request)

    def _to(self, name: str, request):
        if request.headers.get("Sec-Fetch-Dest") == "empty" or request.headers.get("X-Requested-With"):
            # A script's fetch gets no page to insert: it is told to wait for the second factor.
            return JsonResponse({"error": "second factor required"}, status=401)
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

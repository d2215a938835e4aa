from django.utils.translation import gettext

from .context import current_request
from .models import Event, Outcome
from .services import audit_record

# Refused region-to-region requests are logged by sync (RefusedRequest), once.
UNLOGGED_PREFIXES = ("/sync/",)
# Wagtail's admin answers a refusal with a redirect and this message.
ADMIN_EXPORT_FORMATS = ("csv", "xlsx")
WAGTAIL_REFUSAL = "Sorry, you do not have permission to access this area."


class AuditMiddleware:
    """Keeps the current request for model signals, and logs every refusal (403) once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if self._refused(request, response):
                audit_record(
                    event=Event.PERMISSION_DENIED,
                    outcome=Outcome.REFUSED,
                    request=request,
                    details={"method": request.method, "status": response.status_code},
                )
            elif (
                response.status_code == 200
                and request.GET.get("export") in ADMIN_EXPORT_FORMATS
                and "attachment" in response.get("Content-Disposition", "")
            ):
                # Wagtail's listing exports (and views that follow its ?export= convention).
                audit_record(
                    event=Event.EXPORT,
                    request=request,
                    target=request.path,
                    details={"format": request.GET["export"], "query": request.GET.urlencode()[:500]},
                )
            return response
        finally:
            current_request.reset(token)

    def _refused(self, request, response) -> bool:
        if request.path.startswith(UNLOGGED_PREFIXES):
            return False
        if response.status_code == 403:
            return True
        if response.status_code == 302:
            storage = getattr(request, "_messages", None)
            refusal = gettext(WAGTAIL_REFUSAL)
            return any(str(m.message).strip() == refusal for m in getattr(storage, "_queued_messages", []))
        return False

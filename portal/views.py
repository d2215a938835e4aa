from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report
from .proxy import address_in


@never_cache
@require_GET
def healthz(request):
    """Liveness, public: the process answers. Nothing about services or versions."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness with details, for the configured internal addresses only (READINESS_ALLOWED_NETWORKS)."""
    if not address_in(request.META.get("REMOTE_ADDR"), settings.READINESS_ALLOWED_NETWORKS):
        raise Http404
    report = health_report()
    return JsonResponse(
        report,
        status=200 if report["status"] == "ok" else 503,
        json_dumps_params={"ensure_ascii": False},
    )

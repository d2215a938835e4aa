from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report, is_ready


@never_cache
@require_GET
def livez(request):
    """The process answers; dependencies are /readyz's business, so a restart never follows an outage."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    ready = is_ready()
    return JsonResponse({"status": "ok" if ready else "unavailable"}, status=200 if ready else 503)


@never_cache
@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(
        report,
        status=200 if report["status"] == "ok" else 503,
        json_dumps_params={"ensure_ascii": False},
    )

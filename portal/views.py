from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from .health import health_report
from .proxy import address_in


@never_cache
@require_GET
def livez(request):
    """The process answers; dependencies are /readyz's business, so a restart never follows an outage."""
    return JsonResponse({"status": "ok"})


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


def _private_roots() -> list[Path]:
    # Non-public files (materials of partners and internal level) live under these; see materials.storage.
    roots = [Path(settings.MEDIA_ROOT) / "private"]
    if configured := getattr(settings, "MATERIALS_PRIVATE_ROOT", None):
        roots.append(Path(configured))
    return [root.resolve() for root in roots]


def public_media(request, path: str):
    """Public media under DEBUG (nginx serves it in production), never a file of the private roots.

    The path is resolved the way the file system reads it (`//private`, `./private`, `..` and
    symlinks included) before it is compared.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / path.lstrip("/")).resolve()
    if not target.is_relative_to(root) or any(target.is_relative_to(p) for p in _private_roots()):
        raise Http404
    return serve(request, str(target.relative_to(root)), document_root=str(root))


@require_GET
def robots_txt(request):
    """Crawlers may read the public site, but not the admin, the region-to-region endpoints or the API."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /sync/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

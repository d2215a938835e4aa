from django.conf import settings
from django.urls import translate_url


def portal(request):
    region = settings.PORTAL_REGION
    return {
        "portal_region": region,
        "portal_region_name": settings.PORTAL_REGION_NAMES[region],
        "portal_partners": [
            {"region": p.region, "name": settings.PORTAL_REGION_NAMES[p.region], "url": p.public_url}
            for p in settings.PORTAL_PARTNERS
        ],
        "canonical_url": request.build_absolute_uri(request.path),
        "language_links": [
            {"code": code, "name": name, "url": translate_url(request.path, code)}
            for code, name in settings.LANGUAGES
        ],
    }

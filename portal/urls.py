from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api import public_api_urls
from .modules import modules

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", public_api_urls()),
    # Region-to-region endpoints: signed, never translated.
    path("sync/", include("sync.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.urls import re_path

    # Private material files sit under MEDIA_ROOT/private and are served only
    # through the materials download view, which checks access.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", views.public_media, name="public_media")]

# Chinese at /, English under /en/; Wagtail serves every page in both.
urlpatterns += i18n_patterns(
    path("search/", include("search.urls")),
    *[path("", include(module.urls)) for module in modules() if module.urls],
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

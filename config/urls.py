import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from config.api import api
from satuklik.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("manifest.webmanifest", core_views.manifest, name="manifest"),
    path("sw.js", core_views.service_worker, name="service-worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("satuklik.notifications.urls")),  # /outbox/ (demo) and /notifications/
    path("providers/", include("satuklik.providers.urls")),
    path("accounts/", include("satuklik.accounts.urls")),
    path("policies/", include("satuklik.policies.urls")),
    path("cards/", include("satuklik.cards.urls")),
    path("verify/", include("satuklik.cards.verify_urls")),
    path("claims/", include("satuklik.claims.urls")),
    path("backoffice/claims/", include("satuklik.claims.urls_backoffice")),
    path("", include("satuklik.core.urls")),
    # Anything else under /api/ (an unknown path, a non-integer id) is a JSON 404 like the API's own.
    re_path(r"^api/", core_views.api_not_found),
]

if os.environ.get("SATUKLIK_BENCH_FLOOR") == "1":  # benchmarks/api_load.py only: the one-query floor view
    from benchmarks.floor import floor as bench_floor

    urlpatterns.insert(0, path("bench/floor", bench_floor))

admin.site.site_header = settings.BRAND["APP_NAME"] + " back office"
admin.site.site_title = settings.BRAND["APP_NAME"]

# Error pages in the app's look; the 500 page renders without the database or context processors.
handler500 = "satuklik.core.views.server_error"

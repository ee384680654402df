import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import csrf as csrf_views
from django.views import i18n as i18n_views
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token
from django.views.decorators.http import require_GET, require_POST

from satuklik.core.api_errors import default_error, error_response, is_api_path
from satuklik.core.offline import OWNER_HEADER, cache_name, shell_urls


@never_cache
@require_GET
def healthz(request):
    """For the load balancer: 200 only when the database and the cache both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_GET
@cache_control(max_age=60 * 60)
def manifest(request):
    """The PWA manifest: installable with the insurer's name, colours and icons."""
    brand = settings.BRAND
    data = {
        "id": "/",
        "name": brand["APP_NAME"],
        "short_name": brand["APP_NAME"],
        "description": _("Your insurance policies in one app"),
        "lang": get_language(),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": brand["PRIMARY_COLOR"],
        "categories": ["finance", "health", "medical"],
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
def service_worker(request):
    # Served from the root so its scope covers the whole app; checked for updates on every load.
    context = {"shell": shell_urls(), "version": cache_name(), "owner_header": OWNER_HEADER}
    response = render(request, "core/sw.js", context, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def help_page(request):
    """Every way to reach customer service (the footer of each page shows a short line)."""
    return render(request, "core/help.html")


@require_GET
def offline(request):
    """Shown by the service worker when a page is asked for without a network.

    The service worker keeps one copy for everyone on the device, so it is rendered as
    for a visitor: no name, no unread count, no log-out button of whoever installed it.
    """
    # No owner either: shown offline, it must not tell the service worker who is signed in.
    response = render(request, "core/offline.html", {"user": AnonymousUser(), "offline_owner": None})
    response[OWNER_HEADER] = ""  # kept by the middleware (setdefault)
    return response


@require_POST
def set_language(request):
    """Django's language switch (cookie, a year), also remembered on a signed-in member's
    account so that e-mails, SMS and notifications reach them in that language."""
    response = i18n_views.set_language(request)
    if request.user.is_authenticated:
        from satuklik.accounts.services import user_set_language

        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def home(request):
    if request.user.is_authenticated:
        # Signed in: the main menu ("Menu Utama") of the policies app.
        from satuklik.policies.views import main_menu

        return main_menu(request)
    return render(request, "core/home.html")


@requires_csrf_token
def server_error(request, template_name="500.html"):
    if is_api_path(request.path):
        code, message = default_error(500)
        return error_response(500, code=code, message=message)
    # No context processors: they may need the database that just failed.
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"brand": settings.BRAND, "request": request}))


@csrf_exempt  # it changes nothing: a POST to an unknown path is a 404, not a CSRF failure
def api_not_found(request):
    """A JSON 404 for any path under /api/ that no endpoint answers: clients never get HTML."""
    code, message = default_error(404)
    return error_response(404, code=code, message=message)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API's JSON 403 under /api/, Django's page elsewhere."""
    if is_api_path(request.path):
        return error_response(403, code="csrf_failed", message=_("The form expired. Reload the page and try again."))
    return csrf_views.csrf_failure(request, reason=reason)

from django.utils.cache import add_never_cache_headers

from satuklik.core.api_errors import default_error, error_response, is_api_path
from satuklik.core.offline import OWNER_HEADER, offline_owner


class NoStoreForAuthenticatedMiddleware:
    """Pages for a signed-in person are never stored by the browser or a proxy.

    A shared computer's back button or disk cache must not show someone's policy,
    claims or card after they log out (ASVS 14.3). The service worker's offline copy
    of the eCard is unaffected: the Cache API ignores HTTP caching headers; it keeps
    that copy for the person the response names (X-Offline-Owner, core/offline.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            # Replaces any other policy with: max-age=0, no-cache, no-store, must-revalidate, private.
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            add_never_cache_headers(response)
        if user is not None and user.is_authenticated:
            response.setdefault(OWNER_HEADER, offline_owner(user))
        return response


class ApiJsonErrorsMiddleware:
    """Under /api/ every error answers JSON in the API's one shape (core/api_errors.py).

    The API's own errors already do; this catches the answers made outside its views:
    django-ninja's 405 for a method a path does not take, Django's 400 (a bad Host, a body
    too large) and 413, so a client never has to parse an HTML page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_path(request.path)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = default_error(response.status_code)
            replaced = error_response(response.status_code, code=code, message=message)
            for header in ("Allow", "Retry-After"):
                if response.has_header(header):
                    replaced[header] = response[header]
            return replaced
        return response

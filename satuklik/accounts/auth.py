"""Authentication for the JSON API, for every app's router.

    from satuklik.accounts.auth import member_auth
    router = Router(auth=member_auth)      # bearer token (mobile apps) or the web session

`request.user` is the member either way; `request.api_token` is the token (None for
a session). Session requests keep django-ninja's CSRF check.
"""

from ninja.security import HttpBearer, SessionAuth

from satuklik.accounts import services


class BearerAuth(HttpBearer):
    """Authorization: Bearer <token> from /api/v1/auth/login; tokens are stored as SHA-256."""

    def __call__(self, request):
        # Not HttpBearer.__call__: it logs the whole header on a wrong scheme (DEBUG),
        # and a token must never reach a log.
        value = request.headers.get(self.header) or ""
        scheme, _sep, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        api_token = services.api_token_authenticate(raw=token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class MemberSessionAuth(SessionAuth):
    """The web app's session cookie (CSRF-checked); for htmx calls into the API."""

    def _get_key(self, request):
        # A request that carries an Authorization header chose the token: when the token
        # is refused, the answer is the 401 of a bad token, not the session's CSRF 403.
        if request.headers.get("Authorization"):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key is None:
            return None
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user


member_auth = [BearerAuth(), MemberSessionAuth()]

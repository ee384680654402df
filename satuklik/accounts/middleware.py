"""Session lifetime: idle timeout and an absolute cap, which Django has no setting for.

Idle: SESSION_COOKIE_AGE (30 minutes) with SESSION_SAVE_EVERY_REQUEST already expires
an idle session on the server; this middleware checks it too from its own timestamp,
so the rule holds whatever the session engine. Absolute: SESSION_ABSOLUTE_MAX_AGE
(12 hours) after sign-in the session ends however active it is.

Cache-Control: no-store for signed-in pages is satuklik.core.middleware's job.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

SESSION_STARTED_KEY = "_auth_started_at"
SESSION_SEEN_KEY = "_auth_seen_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            absolute = getattr(settings, "SESSION_ABSOLUTE_MAX_AGE", 12 * 60 * 60)
            idle = settings.SESSION_COOKIE_AGE
            if (started is not None and now - started > absolute) or (seen is not None and now - seen > idle):
                logout(request)
                request.session_expired = True
            else:
                if started is None:
                    session[SESSION_STARTED_KEY] = now
                session[SESSION_SEEN_KEY] = now
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = getattr(request, "session", None)
            # Only a session that holds a login: an API call authenticated by a bearer
            # token must not create a session (one per request, and a cookie it never asked for).
            if session is not None and SESSION_KEY in session and SESSION_STARTED_KEY not in session:
                # Just signed in (login() ran in the view): the 12 hours start now.
                request.session[SESSION_STARTED_KEY] = request.session[SESSION_SEEN_KEY] = time.time()
        return response

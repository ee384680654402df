"""Helpers shared by every app's tests."""

from django.conf import settings


def session_queries() -> int:
    """Database queries the session costs a signed-in request.

    Database sessions (the default): read the session, then save it on every request
    (SESSION_SAVE_EVERY_REQUEST, for the idle timeout) in a savepoint: SAVEPOINT, UPDATE,
    RELEASE. Cache sessions (Redis, production and the PostgreSQL test run): none.
    """
    return 4 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" else 0

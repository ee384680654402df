"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles and lockouts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _strict_read_cache(settings):
    # A cached API read that reads a table it does not name fails the test (core/readcache.py).
    settings.READ_CACHE_STRICT = True


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    # Uploaded files go to a per-test folder, never into the project.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client, admin_user):
    # pytest-django's admin_client skips the second factor (force_login): staff sign in
    # with password and authenticator code here, as they do (accounts/tests/staff.py).
    from satuklik.accounts.tests.staff import admin_sign_in

    return admin_sign_in(client, admin_user, password="password")

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
def _media_root(tmp_path, settings):
    # Uploaded files go to a per-test folder, never into the project.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _admin_without_second_factor(settings):
    # The admin asks staff for a TOTP code (accounts.admin_site). Tests sign staff in
    # with force_login to test their screens; accounts' own tests turn the code back on.
    settings.ADMIN_OTP_REQUIRED = False

"""What the service worker may keep on a device, and for whom (issue 10.15).

The eCard page is kept for offline use. Each page for a signed-in person names an
opaque owner (`X-Offline-Owner`, and `data-offline-owner` on the page's body); the
service worker serves a kept copy only to the same owner, and drops every kept page as
soon as a page names another owner or none (signed out, session expired). Logging out
also sends `Clear-Site-Data`, which empties the browser's caches and storage at once.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.crypto import salted_hmac

OWNER_HEADER = "X-Offline-Owner"
# Files the service worker caches at install: the app shell.
SHELL_FILES = ["css/app.css", "js/app.js", "js/htmx.min.js", "img/logo.svg", "img/icon-192.png"]
# Bump when the offline page or the service worker's own logic changes.
SHELL_VERSION = "4"
CLEAR_SITE_DATA = '"cache", "storage"'


def offline_owner(user) -> str:
    """An opaque, stable name for a signed-in person ("" for a visitor): never the id itself."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("satuklik.offline-owner", str(user.pk)).hexdigest()[:24]


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES]


@lru_cache(maxsize=1)
def _shell_hash() -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = finders.find(name)
        if path:
            with open(path, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


def cache_name() -> str:
    """The service worker's cache: brand, shell version and release (or the shell's hash)."""
    return f"{settings.BRAND['APP_NAME']}-{SHELL_VERSION}-{settings.RELEASE or _shell_hash()}"

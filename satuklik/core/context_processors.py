from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from satuklik.core.offline import offline_owner

# The app's main sections, in bottom-bar order. A section whose page does not exist
# yet (its URL name does not resolve) is left out, so the bar never links to a 404.
NAVIGATION = [
    ("core:home", _("Home"), "home"),
    ("claims:list", _("eClaim"), "claim"),
    ("cards:list", _("eCard"), "card"),
    ("providers:search", _("Hospitals"), "hospital"),
    ("accounts:profile", _("Profile"), "profile"),
]


def _navigation(request):
    items = []
    for url_name, label, icon in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "current": current})
    return items


def branding(request):
    navigation = _navigation(request)
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    return {
        "brand": settings.BRAND,
        "demo_mode": settings.DEMO_MODE,
        "outbox_enabled": settings.NOTIFICATIONS_OUTBOX,
        "navigation": navigation,
        # The phone's bottom bar is the signed-in app's; a visitor has the page's own buttons.
        "bottom_navigation": navigation if signed_in else [],
        "offline_owner": offline_owner(getattr(request, "user", None)),
    }

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


# The sections an Individual life policy or a DPLK membership does not have (no health
# claims, cards or hospital network): left out of the bar while such a policy is selected.
HEALTH_SECTIONS = {"claims:list", "cards:list", "providers:search"}
# The session key the main menu writes (satuklik.policies.views.MENU_POLICY_TYPE).
MENU_POLICY_TYPE = "menu_policy_type"


def _navigation(request, *, policy_type=None):
    items = []
    for url_name, label, icon in NAVIGATION:
        if policy_type in ("INDIVIDUAL", "DPLK") and url_name in HEALTH_SECTIONS:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "current": current})
    return items


def branding(request):
    signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
    session = getattr(request, "session", None)
    policy_type = session.get(MENU_POLICY_TYPE) if signed_in and session is not None else None
    navigation = _navigation(request, policy_type=policy_type)
    return {
        "brand": settings.BRAND,
        "demo_mode": settings.DEMO_MODE,
        "outbox_enabled": settings.NOTIFICATIONS_OUTBOX,
        "navigation": navigation,
        # The phone's bottom bar is the signed-in app's; a visitor has the page's own buttons.
        "bottom_navigation": navigation if signed_in else [],
        "offline_owner": offline_owner(getattr(request, "user", None)),
    }

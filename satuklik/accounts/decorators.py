"""Staff capabilities need a verified second factor in the same session or token.

A staff account (core.roles.is_staff_account) that signed in with its password alone
is an ordinary account: the back office, the officer API and staff-only reads (another
member's claim documents) open only once a TOTP code was verified in this session
(django-otp's `request.user.is_verified()`) or when the bearer token was issued with one
(`ApiToken.second_factor`).

    @staff_required("claims.review_claim")
    def queue(request): ...

    if staff_capable(request, "claims.view_claim"): ...
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def second_factor_verified(request) -> bool:
    """Whether this request's session or bearer token carries a verified TOTP code
    (django-otp's OTPMiddleware checks the session's device still exists)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        return bool(token.second_factor)
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def has_staff_permission(user, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission))


def staff_capable(request, permission: str) -> bool:
    """Staff with `permission`, signed in with their second factor."""
    return has_staff_permission(request.user, permission) and second_factor_verified(request)


def staff_required(permission: str, refused_message=None):
    """For back-office pages: anonymous -> login; not staff with `permission` -> 403;
    staff without a verified code in this session -> the code step, then back here."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_staff_permission(request.user, permission):
                raise PermissionDenied(refused_message or _("Staff with the right role only."))
            if not second_factor_verified(request):
                return redirect(f"{reverse('accounts:login-code')}?{urlencode({'next': request.get_full_path()})}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

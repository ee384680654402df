"""Sign staff in the way they really do: password, then the code of their authenticator app.

    staff_sign_in(client, officer)       # member login page + code step: back office opens
    admin_sign_in(client, admin_user)    # the admin's one-step form
    token = staff_api_token(client, officer)   # POST /api/v1/auth/login with otp_code

Each call gives the user a fresh TOTP device: django-otp accepts a code once per device,
so two sign-ins in the same 30 seconds (or under a frozen clock) need two devices.
"""

import itertools

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuklik.accounts.management.commands.staff_totp_setup import current_code
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD

_serial = itertools.count(1)


def staff_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=f"test authenticator {next(_serial)}", confirmed=True)


def staff_sign_in(client, user, password=DEFAULT_PASSWORD):
    """Password on the member login page, then the code step; returns the client."""
    device = staff_device(user)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login-code")), response
    response = client.post(reverse("accounts:login-code"), {"code": current_code(device)})
    assert response.status_code == 302 and not response.url.startswith(reverse("accounts:login-code")), response
    return client


def admin_sign_in(client, user, password=DEFAULT_PASSWORD):
    """The admin's form: username, password and code in one step; returns the client."""
    device = staff_device(user)
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": password, "otp_token": current_code(device)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def staff_api_token(client, user, password=DEFAULT_PASSWORD) -> str:
    """A bearer token issued with the second factor."""
    device = staff_device(user)
    response = client.post(
        "/api/v1/auth/login",
        {"username": user.username, "password": password, "otp_code": current_code(device)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["second_factor"] is True, response.content
    return response.json()["token"]

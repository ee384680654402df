"""Every way into staff capabilities needs the second factor, and every way in shares one
login-attempt service: member page, API, admin, back-office pages, officer API."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client as DjangoClient
from django.urls import reverse
from django.utils import translation

from satuklik.accounts.management.commands.staff_totp_setup import current_code
from satuklik.accounts.models import ApiToken, SecurityEvent
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, StaffUserFactory
from satuklik.accounts.tests.staff import staff_device
from satuklik.claims.tests.factories import ClaimDocumentFactory, ClaimFactory
from satuklik.core.roles import CLAIMS_OFFICER

pytestmark = pytest.mark.django_db

QUEUE = "/backoffice/claims/"
OFFICER_API = "/api/v1/officer/claims/"


@pytest.fixture(autouse=True)
def _english(client):
    # Pages and messages are asserted in English (the msgids).
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def Client():  # noqa: N802 - a django.test.Client that asks for English
    return DjangoClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def officer():
    user = StaffUserFactory(username="klaim")
    user.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return user


def _page_login(client, password=DEFAULT_PASSWORD, ip="10.0.0.7"):
    return client.post(reverse("accounts:login"), {"username": "klaim", "password": password}, REMOTE_ADDR=ip)


def _api_login(client, password=DEFAULT_PASSWORD, otp_code="", ip="10.0.0.7"):
    body = {"username": "klaim", "password": password, "otp_code": otp_code}
    return client.post("/api/v1/auth/login", body, content_type="application/json", REMOTE_ADDR=ip)


def _admin_login(client, password=DEFAULT_PASSWORD, otp_token="", ip="10.0.0.7"):
    body = {"username": "klaim", "password": password, "otp_token": otp_token}
    return client.post(reverse("admin:login"), body, REMOTE_ADDR=ip)


def _wrong(code):
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_the_member_login_page_with_the_password_alone_opens_no_staff_door(client, officer):
    device = staff_device(officer)
    claim = ClaimFactory()
    document = ClaimDocumentFactory(claim=claim)
    response = _page_login(client)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login-code"))
    # Back-office pages send the officer to the code step; the officer API and documents refuse.
    queue = client.get(QUEUE)
    assert queue.status_code == 302 and queue.url.startswith(reverse("accounts:login-code"))
    action = client.post(reverse("claims-backoffice:start", args=[claim.pk]))
    assert action.status_code == 302 and action.url.startswith(reverse("accounts:login-code"))
    api = client.get(OFFICER_API)
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    assert client.get(reverse("admin:index")).status_code == 302
    claim.refresh_from_db()
    assert claim.status == claim.Status.SUBMITTED
    # The code step opens them, in the same session.
    page = client.get(reverse("accounts:login-code"), {"next": QUEUE})
    assert "Authenticator code" in page.content.decode()
    response = client.post(reverse("accounts:login-code"), {"code": current_code(device), "next": QUEUE})
    assert response.status_code == 302 and response.url == QUEUE
    assert client.get(QUEUE).status_code == 200
    assert client.get(OFFICER_API).status_code == 200
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 200


def test_a_wrong_code_at_the_code_step_is_refused_and_counted(client, officer):
    device = staff_device(officer)
    _page_login(client)
    response = client.post(reverse("accounts:login-code"), {"code": _wrong(current_code(device))})
    assert response.status_code == 401
    assert "The authenticator code is not correct." in response.content.decode()
    assert client.get(QUEUE).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILURE, details__reason="second factor").exists()


def test_an_api_token_without_the_code_carries_no_staff_capability(officer):
    device = staff_device(officer)
    api = Client()
    plain = _api_login(api)
    assert plain.status_code == 200 and plain.json()["second_factor"] is False
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain.json()['token']}"}
    refused = api.get(OFFICER_API, **headers)
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert api.post(f"{OFFICER_API}{ClaimFactory().pk}/start-review", **headers).status_code == 403
    wrong = _api_login(api, otp_code=_wrong(current_code(device)))
    assert wrong.status_code == 401 and wrong.json()["code"] == "second_factor_wrong"
    device = staff_device(officer)  # django-otp slows the first device down after a wrong code
    verified = _api_login(api, otp_code=current_code(device))
    assert verified.status_code == 200 and verified.json()["second_factor"] is True
    assert ApiToken.objects.filter(user=officer, second_factor=True).count() == 1
    headers = {"HTTP_AUTHORIZATION": f"Bearer {verified.json()['token']}"}
    assert api.get(OFFICER_API, **headers).status_code == 200


def test_the_admin_signs_in_with_username_password_and_code_in_one_step(client, officer):
    device = staff_device(officer)
    response = _admin_login(client, otp_token=current_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILURE).exists()
    # The form asks for the code on the first page, with no device to choose.
    page = Client().get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in page and 'name="otp_device"' not in page


def test_no_setting_lets_the_password_alone_into_the_admin(client, officer, settings):
    settings.ADMIN_OTP_REQUIRED = False  # the old test-suite switch: gone
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(QUEUE).status_code == 302


def test_page_api_and_admin_share_one_lockout(officer):
    """Five wrong tries spread over the three doors lock the username on all of them."""
    device = staff_device(officer)
    page, api, admin = Client(), Client(), Client()
    _page_login(page, password="wrong")
    _page_login(page, password="wrong")
    _api_login(api, password="wrong")
    _api_login(api, password=DEFAULT_PASSWORD, otp_code=_wrong(current_code(device)))
    _admin_login(admin, password="wrong", otp_token="123456")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).count() == 1
    locked_page = _page_login(page)
    assert locked_page.status_code == 429 and "Too many failed attempts." in locked_page.content.decode()
    locked_api = _api_login(api, otp_code=current_code(device))
    assert locked_api.status_code == 429 and locked_api.json()["code"] == "login_locked"
    locked_admin = _admin_login(admin, otp_token=current_code(device))
    assert locked_admin.status_code == 200 and "Too many failed attempts." in locked_admin.content.decode()
    assert admin.get(reverse("admin:index")).status_code == 302
    # Another client address is not locked (the lock is per username and address).
    assert _api_login(Client(), ip="10.0.0.8").status_code == 200


def test_the_admin_now_has_the_slow_down_too(officer, settings):
    from satuklik.accounts import throttle

    for n in range(throttle.SLOW_AFTER):
        _api_login(Client(), password="wrong", ip=f"10.1.0.{n}")
    first = _admin_login(Client(), password="wrong", ip="10.2.0.1")
    slowed = _admin_login(Client(), password=DEFAULT_PASSWORD, ip="10.2.0.2")
    assert first.status_code == slowed.status_code == 200
    assert "Wait 10 seconds and try again." in slowed.content.decode()

"""The back office needs a TOTP code on top of the password; its audit list is searchable."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuklik.accounts.management.commands.staff_totp_setup import current_code
from satuklik.accounts.models import SecurityEvent
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory
from satuklik.accounts.tests.staff import admin_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    user = StaffUserFactory(is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def _login(client, user, device, token):
    return client.post(
        reverse("admin:login"),
        {
            "username": user.username,
            "password": DEFAULT_PASSWORD,
            "otp_token": token,
        },
    )


def test_password_alone_does_not_open_the_admin(client, staff):
    user, _device = staff
    client.force_login(user)  # password checked, no second factor
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_password_and_code_open_the_admin(client, staff):
    user, device = staff
    response = _login(client, user, device, current_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_SUCCESS, user=user).exists()


def test_wrong_code_is_refused_and_recorded(client, staff):
    user, device = staff
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
    response = _login(client, user, device, wrong)
    assert response.status_code == 200  # the form again
    assert client.get(reverse("admin:index")).status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILURE)
    assert event.username == user.username.upper() and event.details["site"] == "admin"


def test_admin_login_locks_after_five_failures(client, staff):
    user, device = staff
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": user.username, "password": "wrong"})
    response = _login(client, user, device, current_code(device))
    assert client.get(reverse("admin:index")).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).exists()
    assert response.status_code == 200


def test_security_events_searchable_by_username_ip_and_kind(client):
    admin_user = StaffUserFactory(is_superuser=True)
    member = UserFactory()
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN_FAILURE, username=member.username, ip="10.1.2.3")
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.OTP_SENT, username="OTHER", ip="10.9.9.9")
    admin_sign_in(client, admin_user)
    url = reverse("admin:accounts_securityevent_changelist")
    by_name = client.get(url, {"q": member.username.lower()})
    assert by_name.status_code == 200 and len(by_name.context["cl"].result_list) == 1
    by_ip = client.get(url, {"q": "10.9.9.9"})
    assert [event.username for event in by_ip.context["cl"].result_list] == ["OTHER"]
    by_kind = client.get(url, {"kind__exact": SecurityEvent.Kind.LOGIN_FAILURE})
    assert len(by_kind.context["cl"].result_list) == 1
    assert client.get(url, {"created_at__gte": "2000-01-01"}).status_code == 200

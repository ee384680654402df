"""Login, lockout, sessions: what a member (or someone guessing) sees."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from satuklik.accounts import throttle
from satuklik.accounts.models import SecurityEvent
from satuklik.accounts.tests.conftest import just_before_a_boundary
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


@pytest.fixture
def member(db):
    return UserFactory(username="JANERA0112")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client):
    return client.get(reverse("accounts:profile")).status_code == 200


def test_login_is_case_insensitive_and_lands_on_home(client, member):
    response = _login(client, "janera0112", DEFAULT_PASSWORD)
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert _signed_in(client)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_SUCCESS, user=member).count() == 1


def test_known_and_unknown_usernames_get_the_same_answer(client, member):
    wrong_password = _login(client, "JANERA0112", "not the password")
    unknown_user = _login(client, "NOBODY0101", "not the password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.context["error"] == unknown_user.context["error"]

    def strip(r):
        return (
            r.content.decode()
            .replace(str(r.context["csrf_token"]), "")
            .replace(str(r.wsgi_request.csp_nonce), "")
            .replace("JANERA0112", "X")
            .replace("NOBODY0101", "X")
        )

    assert strip(wrong_password) == strip(unknown_user)


def test_session_key_changes_at_login(client, member):
    client.get(reverse(LOGIN))
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    assert client.cookies["sessionid"].value != before


def test_five_failures_lock_the_username_from_that_address_for_fifteen_minutes(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(throttle.LOCK_AFTER):
            assert _login(client, "JANERA0112", "wrong").status_code == 401
        locked = _login(client, "JANERA0112", DEFAULT_PASSWORD)
        assert locked.status_code == 429 and not _signed_in(client)
        assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).exists()
        # The same person from another address (their phone) is not locked out.
        other = Client()
        assert _login(other, "JANERA0112", DEFAULT_PASSWORD, ip="10.0.0.2").status_code == 302
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _login(client, "JANERA0112", DEFAULT_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _login(client, "JANERA0112", DEFAULT_PASSWORD).status_code == 302


def test_unknown_usernames_lock_the_same_way(client):
    for _ in range(throttle.LOCK_AFTER):
        _login(client, "NOBODY0101", "wrong")
    assert _login(client, "NOBODY0101", "wrong").status_code == 429


def test_success_resets_the_counter(client, member):
    for _ in range(throttle.LOCK_AFTER - 1):
        _login(client, "JANERA0112", "wrong")
    assert _login(client, "JANERA0112", DEFAULT_PASSWORD).status_code == 302
    client.logout()
    for _ in range(throttle.LOCK_AFTER - 1):
        _login(client, "JANERA0112", "wrong")
    assert _login(client, "JANERA0112", DEFAULT_PASSWORD).status_code == 302


def test_many_addresses_only_slow_a_username_down_and_a_known_browser_is_not_slowed(client, member):
    # A trusted browser: signed in once before the attack.
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    client.post(reverse("accounts:logout"))  # keeps the browser's cookies, as a real logout does
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attacker = Client()
        for n in range(throttle.SLOW_AFTER):
            _login(attacker, "JANERA0112", "guess", ip=f"10.1.{n // 4}.{n % 4}")
        first = _login(attacker, "JANERA0112", "guess", ip="10.2.0.1")
        second = _login(attacker, "JANERA0112", "guess", ip="10.2.0.2")
        assert first.status_code == 401 and second.status_code == 429  # spaced, not locked
        assert _login(client, "JANERA0112", DEFAULT_PASSWORD, ip="10.0.0.1").status_code == 302
    with time_machine.travel(start + timedelta(seconds=throttle.SLOW_SPACING_SECONDS + 1), tick=False):
        newcomer = Client()  # another browser of the victim, after the short delay
        assert _login(newcomer, "JANERA0112", DEFAULT_PASSWORD, ip="10.3.0.1").status_code == 302


def test_failures_just_before_the_hour_still_slow_the_username_after_it(member):
    start = just_before_a_boundary(throttle.SLOW_WINDOW_SECONDS)
    with time_machine.travel(start, tick=False):
        for n in range(throttle.SLOW_AFTER):
            _login(Client(), "JANERA0112", "guess", ip=f"10.1.{n // 4}.{n % 4}")
    with time_machine.travel(start + timedelta(seconds=5), tick=False):  # the next hour
        _login(Client(), "JANERA0112", "guess", ip="10.2.0.1")
        assert _login(Client(), "JANERA0112", "guess", ip="10.2.0.2").status_code == 429
    # Two hours later the old failures are forgotten.
    with time_machine.travel(start + timedelta(hours=2, seconds=5), tick=False):
        _login(Client(), "JANERA0112", "guess", ip="10.2.0.3")
        assert _login(Client(), "JANERA0112", "guess", ip="10.2.0.4").status_code == 401


def test_failures_on_both_sides_of_a_quarter_hour_lock_the_pair(client, member):
    start = just_before_a_boundary(throttle.LOCK_WINDOW_SECONDS)
    with time_machine.travel(start, tick=False):
        for _ in range(throttle.LOCK_AFTER - 2):
            assert _login(client, "JANERA0112", "wrong").status_code == 401
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        for _ in range(2):
            _login(client, "JANERA0112", "wrong")
        assert _login(client, "JANERA0112", DEFAULT_PASSWORD).status_code == 429


def test_idle_session_ends_after_thirty_minutes(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "JANERA0112", DEFAULT_PASSWORD)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert _signed_in(client)
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert not _signed_in(client)


def test_active_session_ends_after_twelve_hours(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "JANERA0112", DEFAULT_PASSWORD)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert _signed_in(client), minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert not _signed_in(client)


def test_logout_ends_the_session(client, member):
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    session_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse(LOGIN)
    assert not _signed_in(client)
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()


def test_logout_everywhere_ends_every_session(member):
    phone, laptop = Client(), Client()
    _login(phone, "JANERA0112", DEFAULT_PASSWORD)
    _login(laptop, "JANERA0112", DEFAULT_PASSWORD, ip="10.0.0.9")
    phone.post(reverse("accounts:logout-everywhere"))
    assert not _signed_in(phone) and not _signed_in(laptop)
    assert _login(laptop, "JANERA0112", DEFAULT_PASSWORD).status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(member):
    phone, laptop = Client(), Client()
    _login(phone, "JANERA0112", DEFAULT_PASSWORD)
    _login(laptop, "JANERA0112", DEFAULT_PASSWORD, ip="10.0.0.9")
    new = "teh manis di warung pojok"
    response = phone.post(
        reverse("accounts:profile-password"),
        {"current_password": DEFAULT_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert _signed_in(phone) and not _signed_in(laptop)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=member).exists()


def test_password_change_needs_the_current_password(client, member):
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    new = "teh manis di warung pojok"
    response = client.post(
        reverse("accounts:profile-password"), {"current_password": "wrong", "password1": new, "password2": new}
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_authenticated_pages_are_not_cached(client, member):
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    response = client.get(reverse("core:home"))
    assert "no-store" in response["Cache-Control"]


def test_profile_shows_usernames_and_masked_contacts(client, member):
    _login(client, "JANERA0112", DEFAULT_PASSWORD)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "JANERA0112" in page
    assert member.email not in page and member.email[:2] in page
    assert member.mobile not in page


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse(LOGIN) in response.url


def test_next_parameter_stays_on_this_site(client, member):
    response = client.post(
        reverse(LOGIN) + "?next=https://evil.example/",
        {"username": "JANERA0112", "password": DEFAULT_PASSWORD},
    )
    assert response.url == reverse("core:home")


def test_the_language_used_at_login_is_the_one_notifications_go_out_in(client, member):
    from satuklik.notifications import services as notifications

    member.preferred_language = "id"
    member.save()
    response = client.post(
        reverse(LOGIN),
        {"username": member.username, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.preferred_language == "en"
    context = {"name": member.display_name, "when": timezone.localtime()}
    message = notifications.email_send(to="jane@example.com", template="password_changed", context=context, user=member)
    assert "password was changed" in message.subject
    assert "Kata sandi" not in message.subject

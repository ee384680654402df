""" "Forgot password" (Lupa Password): username, code by e-mail, new password twice."""

import pytest
from django.test import Client
from django.urls import reverse

from satuklik.accounts import services
from satuklik.accounts.models import ApiToken, OtpPurpose, SecurityEvent
from satuklik.accounts.tests.conftest import last_code
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from satuklik.notifications.models import Message

pytestmark = pytest.mark.django_db

NEW = "nasi goreng kambing pedas"


@pytest.fixture
def member(db):
    return UserFactory(username="JANERA0112", email="jane.railey@example.com")


def _start(client, username):
    return client.post(reverse("accounts:password-reset"), {"username": username})


def test_jane_resets_her_password(client, member):
    signed_in_elsewhere = Client()
    signed_in_elsewhere.force_login(member)
    _token, raw = services.api_token_issue(user=member)
    response = _start(client, "janera0112")
    assert response.url == reverse("accounts:password-reset-verify")
    code = last_code("jane.railey@example.com")
    response = client.post(reverse("accounts:password-reset-verify"), {"code": code})
    assert response.url == reverse("accounts:password-reset-password")
    response = client.post(reverse("accounts:password-reset-password"), {"password1": NEW, "password2": NEW})
    assert response.url == reverse("accounts:password-reset-done")
    assert reverse("accounts:login") in client.get(response.url).content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW) and not member.check_password(DEFAULT_PASSWORD)
    # Every other session and every token ended; the member is told by e-mail.
    assert signed_in_elsewhere.get(reverse("accounts:profile")).status_code == 302
    assert services.api_token_authenticate(raw=raw) is None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert Message.objects.filter(template="password_changed").count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET, user=member).exists()
    # The code is single use: replaying the flow fails.
    assert client.post(reverse("accounts:password-reset-verify"), {"code": code}).status_code == 302


def test_known_and_unknown_usernames_get_the_same_answer(member):
    known, unknown = Client(), Client()
    known_start, unknown_start = _start(known, "JANERA0112"), _start(unknown, "NOBODY0101")
    assert known_start.status_code == unknown_start.status_code == 302
    assert known_start.url == unknown_start.url
    known_page = known.get(known_start.url)
    unknown_page = unknown.get(unknown_start.url)

    def normalised(response):
        text = response.content.decode()
        values = (str(response.context["csrf_token"]), response.context["otp"]["challenge_id"])
        for value in (*values, str(response.wsgi_request.csp_nonce)):
            text = text.replace(value, "X")
        return text

    assert normalised(known_page) == normalised(unknown_page)
    assert "ja***" not in known_page.content.decode()  # the reset screen never shows the address
    # A wrong code is refused the same way for both.
    wrong_known = known.post(reverse("accounts:password-reset-verify"), {"code": "000000"})
    wrong_unknown = unknown.post(reverse("accounts:password-reset-verify"), {"code": "000000"})
    assert wrong_known.status_code == wrong_unknown.status_code == 400
    assert str(wrong_known.context["otp"]["error"].message) == str(wrong_unknown.context["otp"]["error"].message)
    # Only the real account got an e-mail.
    assert Message.objects.count() == 1


def test_registration_code_cannot_reset_a_password(member):
    flow, key = services.password_reset_start(username="JANERA0112")
    from satuklik.accounts import otp

    challenge = flow.challenge
    with pytest.raises(otp.OtpWrongFlow):
        otp.otp_verify(challenge_id=challenge.public_id, flow_key=key, purpose=OtpPurpose.REGISTER, code="123456")


def test_reset_page_without_a_flow_starts_over(client):
    response = client.get(reverse("accounts:password-reset-password"))
    assert response.url == reverse("accounts:password-reset")


def test_reset_password_must_pass_the_rules(client, member):
    _start(client, "JANERA0112")
    client.post(reverse("accounts:password-reset-verify"), {"code": last_code(member.email)})
    response = client.post(
        reverse("accounts:password-reset-password"), {"password1": "janera0112!", "password2": "janera0112!"}
    )
    assert response.status_code == 400 and response.context["errors"]
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_reset_resend_within_a_minute_is_refused_with_a_message(client, member):
    start = _start(client, "JANERA0112")
    challenge_id = client.get(start.url).context["otp"]["challenge_id"]
    response = client.post(reverse("accounts:otp-resend", args=[challenge_id]), {"next": start.url}, follow=True)
    assert Message.objects.count() == 1
    assert any("seconds" in str(m) or "detik" in str(m) for m in response.context["messages"])


def test_another_browser_cannot_resend_or_poll_a_challenge(client, member):
    start = _start(client, "JANERA0112")
    challenge_id = client.get(start.url).context["otp"]["challenge_id"]
    stranger = Client()
    assert stranger.post(reverse("accounts:otp-resend", args=[challenge_id])).status_code == 404
    assert stranger.get(reverse("accounts:otp-status", args=[challenge_id])).status_code == 404
    assert client.get(reverse("accounts:otp-status", args=[challenge_id])).status_code == 200

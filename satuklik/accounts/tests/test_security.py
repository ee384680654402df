"""Cookie flags in production, and no secret in any log line or security event."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from satuklik.accounts.models import SecurityEvent
from satuklik.accounts.tests.conftest import last_code
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from satuklik.notifications.models import Message

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_harden_cookies():
    """Import the settings as production does and read the cookie settings."""
    env = {
        **os.environ,
        "SATUKLIK_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "satuklik.example",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','SESSION_COOKIE_NAME',"
        "'CSRF_COOKIE_SECURE','CSRF_COOKIE_SAMESITE','CSRF_COOKIE_NAME','SESSION_COOKIE_AGE',"
        "'SESSION_ABSOLUTE_MAX_AGE','SECURE_HSTS_SECONDS']}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-") and values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_AGE"] == 30 * 60 and values["SESSION_ABSOLUTE_MAX_AGE"] == 12 * 60 * 60
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


@pytest.mark.django_db
@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
)
def test_login_sets_host_prefixed_secure_httponly_samesite_cookies():
    UserFactory(username="JANERA0112")
    client = Client()
    client.get(reverse("accounts:login"), secure=True)
    response = client.post(
        reverse("accounts:login"), {"username": "JANERA0112", "password": DEFAULT_PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]  # what __Host- requires
    device = response.cookies["__Host-satuklik_device"]
    assert device["secure"] and device["httponly"]
    csrf = client.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db(transaction=True)
def test_no_password_code_or_token_in_logs_or_events(jane, caplog, django_capture_on_commit_callbacks):
    """Registration, login, reset and the API with every logger at DEBUG: no secret anywhere."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    secrets_seen = []
    web = Client()
    password = "kopi tubruk pagi hari"
    web.post(
        reverse("accounts:register-details", args=["group"]),
        {
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-01",
            "email": "jane.railey@example.com",
        },
    )
    web.post(reverse("accounts:register-eula"), {"accept": "on"})
    code = last_code(jane.email)
    web.post(reverse("accounts:register-verify"), {"code": "000000" if code != "000000" else "111111"})
    web.post(reverse("accounts:register-verify"), {"code": code})
    web.post(reverse("accounts:register-password"), {"password1": password, "password2": password})
    secrets_seen += [code, password]
    web.post(reverse("accounts:logout"))
    web.post(reverse("accounts:login"), {"username": "JANERA0112", "password": "wrong password here"})
    web.post(reverse("accounts:login"), {"username": "JANERA0112", "password": password})
    secrets_seen.append("wrong password here")
    # Forgot password.
    reset = Client()
    reset.post(reverse("accounts:password-reset"), {"username": "JANERA0112"})
    reset_code = last_code(jane.email)
    new_password = "nasi goreng kambing pedas"
    reset.post(reverse("accounts:password-reset-verify"), {"code": reset_code})
    reset.post(reverse("accounts:password-reset-password"), {"password1": new_password, "password2": new_password})
    secrets_seen += [reset_code, new_password]
    # The API: login, a call with the token, logout.
    api = Client()
    token = api.post(
        "/api/v1/auth/login", {"username": "janera0112", "password": new_password}, content_type="application/json"
    ).json()["token"]
    api.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    api.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Token {token}")  # a wrong scheme must not log it either
    api.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Bearer {token}")
    secrets_seen.append(token)

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')}" for record in caplog.records
    )
    events = json.dumps(list(SecurityEvent.objects.values()), default=str)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OTP_USED).count() == 2
    assert len(caplog.records) > 20  # the flows did log
    for secret in secrets_seen:
        assert secret not in logged, f"a secret reached the logs: {secret[:3]}…"
        assert secret not in events, f"a secret reached a security event: {secret[:3]}…"
    # Codes are only in the outbox (demo mode), never elsewhere in the database.
    assert not re.search(r"\b" + re.escape(code) + r"\b", events)
    assert Message.objects.filter(template="otp_code").exists()

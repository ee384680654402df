"""Sending e-mail and SMS: rendering, delivery to real local servers, retries, privacy."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from satuklik.notifications import services, tasks
from satuklik.notifications.models import Message
from satuklik.notifications.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JANE = "jane.railey@example.com"
JANE_MOBILE = "+6281234567890"


def app_log(caplog):
    # Everything our process logged, except the test SMTP server's own log ("mail.log").
    return "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records if record.name != "mail.log")


def deliver_again(message):
    # What the worker does on each retry: run the delivery task for the message.
    tasks.deliver_message.enqueue(message.pk)
    message.refresh_from_db()
    return message


def test_an_email_is_delivered_over_smtp_and_its_body_is_not_kept(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.email_send(to=JANE, template="test_message", language="en")

    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == [JANE]
    assert envelope.mail_from == "no-reply@satuklik.example"
    content = envelope.content.decode()
    assert "Subject: Test message from Satuklik" in content
    assert "If you can read it, e-mail delivery works." in content
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    # Delivered in production mode: a code or link in the body is no longer readable here.
    assert message.body == ""
    assert message.subject == "Test message from Satuklik"


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("id", "Pesan uji dari Satuklik", "Ini pesan uji dari Satuklik."),
        ("en", "Test message from Satuklik", "This is a test message from Satuklik."),
    ],
)
def test_templates_are_rendered_in_the_recipients_language(settings, language, subject, sentence):
    settings.NOTIFICATIONS_OUTBOX = True
    user = UserFactory(preferred_language=language)

    message = services.email_send(to=JANE, template="test_message", user=user)

    assert message.language == language
    assert message.subject == subject
    assert sentence in message.body
    assert "Satuklik" in message.body


def test_indonesian_is_the_default_and_unknown_languages_fall_back_to_it(settings):
    settings.NOTIFICATIONS_OUTBOX = True
    assert services.email_send(to=JANE, template="test_message").subject == "Pesan uji dari Satuklik"
    message = services.email_send(to=JANE, template="test_message", language="fr")
    assert (message.language, message.subject) == ("id", "Pesan uji dari Satuklik")


def test_the_brand_comes_from_settings(settings):
    settings.NOTIFICATIONS_OUTBOX = True
    settings.BRAND = {**settings.BRAND, "APP_NAME": "KlikSehat"}
    message = services.sms_send(to=JANE_MOBILE, template="test_message", language="en")
    assert message.body == "KlikSehat: test SMS. Delivery works."


def test_an_sms_is_posted_as_json_with_the_bearer_token(sms_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_send(to=JANE_MOBILE, template="test_message")

    assert len(sms_gateway.requests) == 1
    request = sms_gateway.requests[0]
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer gateway-token-123"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "to": JANE_MOBILE,
        "text": "Satuklik: SMS uji. Pengiriman berfungsi.",
        "sender": "SATUKLIK",
    }
    message.refresh_from_db()
    assert (message.status, message.attempts, message.body) == (Message.Status.SENT, 1, "")


def test_in_demo_mode_messages_stay_in_the_outbox_and_nothing_is_sent(
    smtp_server, sms_gateway, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_OUTBOX = True
    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_send(to=JANE, template="test_message")
        sms = services.sms_send(to=JANE_MOBILE, template="test_message")

    assert smtp_server.envelopes == []
    assert sms_gateway.requests == []
    for message in (email, sms):
        message.refresh_from_db()
        assert message.status == Message.Status.STORED
        assert message.body  # kept: the outbox page shows it


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.email_send(to=JANE, template="test_message")
        raise RuntimeError("the request failed after asking for the e-mail")

    assert callbacks == []
    assert smtp_server.envelopes == []
    assert not Message.objects.exists()


def test_a_delivered_message_is_never_sent_twice(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.email_send(to=JANE, template="test_message")

    deliver_again(message)

    assert len(smtp_server.envelopes) == 1
    assert message.attempts == 1


def test_a_refused_email_is_retried_then_failed_and_logged_without_recipient_or_body(
    smtp_server, settings, caplog, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    smtp_server.refuse_with = "550 5.1.1 <jane.railey@example.com>: mailbox unavailable"
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        message = services.email_send(to=JANE, template="test_message")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.RETRYING, 1)
    assert message.last_error == "SMTPRecipientsRefused: 550"
    assert message.body  # kept for the next try

    assert deliver_again(message).status == Message.Status.RETRYING
    assert deliver_again(message).status == Message.Status.FAILED
    assert message.attempts == 3
    assert message.body == ""  # given up: the text is not kept
    assert deliver_again(message).attempts == 3  # a failed message is not tried again

    assert smtp_server.envelopes == []
    log = app_log(caplog)
    assert "attempt 3/3 failed, giving up: SMTPRecipientsRefused: 550" in log
    assert "jane.railey" not in log
    assert "pesan uji" not in log.lower()


def test_retry_messages_tries_the_waiting_ones_again(smtp_server, django_capture_on_commit_callbacks):
    # With the immediate backend (no deferred retries) cron runs this command.
    smtp_server.refuse_with = "451 4.3.0 try again later"
    with django_capture_on_commit_callbacks(execute=True):
        message = services.email_send(to=JANE, template="test_message")
    message.refresh_from_db()
    assert message.status == Message.Status.RETRYING

    smtp_server.refuse_with = None
    out = StringIO()
    call_command("retry_messages", stdout=out)

    assert out.getvalue().strip() == "1 message(s) queued again"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert len(smtp_server.envelopes) == 1


def test_an_unreachable_mail_server_is_retried(settings, closed_port, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    settings.NOTIFICATIONS_OUTBOX = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port

    with django_capture_on_commit_callbacks(execute=True):
        message = services.email_send(to=JANE, template="test_message")

    message.refresh_from_db()
    assert message.status == Message.Status.RETRYING
    assert message.last_error.startswith("ConnectionRefusedError")
    assert JANE not in app_log(caplog)


def test_a_gateway_error_is_retried_then_failed(sms_gateway, settings, caplog, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    sms_gateway.status = 500
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_send(to=JANE_MOBILE, template="test_message")
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.Status.RETRYING, "SMS gateway answered 500")

    assert deliver_again(message).status == Message.Status.FAILED
    assert len(sms_gateway.requests) == 2
    assert JANE_MOBILE not in app_log(caplog)
    assert "SMS uji" not in app_log(caplog)


def test_an_unreachable_gateway_is_retried(settings, closed_port, caplog, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_OUTBOX = False
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port}/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token-456"

    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_send(to=JANE_MOBILE, template="test_message")

    message.refresh_from_db()
    assert message.status == Message.Status.RETRYING
    assert message.last_error.startswith("SMS gateway unreachable")
    assert "secret-token-456" not in app_log(caplog) + message.last_error


def test_without_a_gateway_sms_are_not_lost_but_retried(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_OUTBOX = False
    settings.SMS_GATEWAY_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_send(to=JANE_MOBILE, template="test_message")
    message.refresh_from_db()
    assert message.status == Message.Status.RETRYING
    assert "SMS_GATEWAY_URL" in message.last_error


def test_only_an_http_gateway_is_used(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_OUTBOX = False
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_send(to=JANE_MOBILE, template="test_message")
    message.refresh_from_db()
    assert message.status == Message.Status.RETRYING
    assert "http" in message.last_error


def test_an_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="channel"):
        services.message_send(channel="FAX", to=JANE, template="test_message")
    assert not Message.objects.exists()


def test_retry_delays_back_off_and_are_capped():
    assert [tasks.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 8, 20)] == [1, 2, 4, 8, 60, 60]

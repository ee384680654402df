"""Delivery to the outside world: SMTP through Django's mail API, SMS through an HTTP gateway.

Errors are reported as DeliveryError with a short reason that never holds the
recipient, the text or a credential (smtplib puts refused addresses in its
exceptions; the reason keeps only the exception's name and the server's code).
"""

import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage

# A gateway that has not answered in 10 s is treated as down; the task retries later.
SMS_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The mail server or SMS gateway refused or could not be reached."""


def _smtp_reason(exc: Exception) -> str:
    name = exc.__class__.__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _message in exc.recipients.values()})
        return f"{name}: {', '.join(codes)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name}: {exc.smtp_code}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{name}: errno {exc.errno}"
    return name


def send_email(*, to: str, subject: str, body: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    try:
        sent = message.send(fail_silently=False)
    except Exception as exc:  # smtplib, socket and ssl errors all mean "not delivered"
        raise DeliveryError(_smtp_reason(exc)) from exc
    if sent != 1:
        raise DeliveryError("the mail backend accepted no message")


def send_sms(*, to: str, text: str) -> None:
    """POST {"to", "text", "sender"} as JSON with a bearer token to SMS_GATEWAY_URL; 2xx means accepted."""
    if not settings.SMS_GATEWAY_URL:
        raise DeliveryError("no SMS gateway is configured (SMS_GATEWAY_URL)")
    if urllib.parse.urlsplit(settings.SMS_GATEWAY_URL).scheme not in {"http", "https"}:
        # urlopen would also read file: and other schemes; a gateway is HTTP(S) only.
        raise DeliveryError("SMS_GATEWAY_URL must be an http:// or https:// URL")
    payload = json.dumps({"to": to, "text": text, "sender": settings.SMS_SENDER_ID}).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        settings.SMS_GATEWAY_URL,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        # The scheme was checked above: http(s) only.
        with urllib.request.urlopen(request, timeout=SMS_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            if not 200 <= response.status < 300:
                raise DeliveryError(f"SMS gateway answered {response.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"SMS gateway answered {exc.code}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        detail = f"errno {reason.errno}" if isinstance(reason, OSError) and reason.errno else type(reason).__name__
        raise DeliveryError(f"SMS gateway unreachable: {detail}") from exc
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc

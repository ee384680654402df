"""Delivery to the outside world: SMTP through Django's mail API, SMS through an HTTP gateway."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage


class DeliveryError(Exception):
    """The mail server or SMS gateway refused or could not be reached."""


def send_email(*, to: str, subject: str, body: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    try:
        sent = message.send(fail_silently=False)
    except Exception as exc:  # smtplib, socket and ssl errors all mean "not delivered"
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc
    if sent != 1:
        raise DeliveryError("the mail backend accepted no message")


def send_sms(*, to: str, text: str) -> None:
    """POST {"to", "text", "sender"} as JSON to SMS_GATEWAY_URL; a 2xx answer means accepted."""
    if not settings.SMS_GATEWAY_URL:
        raise DeliveryError("no SMS gateway is configured (SMS_GATEWAY_URL)")
    payload = json.dumps({"to": to, "text": text, "sender": settings.SMS_SENDER_ID}).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        settings.SMS_GATEWAY_URL,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise DeliveryError(f"SMS gateway answered {response.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"SMS gateway answered {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc

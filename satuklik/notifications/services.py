"""Every e-mail and SMS goes through here.

message_send() renders a template in the recipient's language, stores the message and
hands delivery to a background task once the surrounding transaction commits, so a
rolled-back request never sends anything.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from satuklik.notifications import gateways
from satuklik.notifications.models import InboxItem, Message

logger = logging.getLogger(__name__)


def _render(template: str, name: str, context: dict) -> str:
    return render_to_string(f"notifications/messages/{template}/{name}", context).strip()


def message_send(
    *, channel: str, to: str, template: str, context: dict | None = None, language: str | None = None, user=None
) -> Message:
    """Queue an e-mail or SMS built from notifications/messages/<template>/.

    E-mail templates: subject.txt and body.txt; SMS: sms.txt. Text is translated with
    the project's .po files, in `language` (default: the user's, else Indonesian).
    """
    if channel not in Message.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    language = language or getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    context = {"brand": settings.BRAND, **(context or {})}
    with translation.override(language):
        if channel == Message.Channel.EMAIL:
            subject = " ".join(_render(template, "subject.txt", context).split())
            body = _render(template, "body.txt", context)
        else:
            subject = ""
            body = _render(template, "sms.txt", context)
    message = Message.objects.create(
        channel=channel, recipient=to, template=template, language=language, subject=subject, body=body, user=user
    )
    logger.info("message %s queued: %s %s", message.pk, channel, template)

    def enqueue():
        from satuklik.notifications.tasks import deliver_message

        deliver_message.enqueue(message.pk)

    transaction.on_commit(enqueue)
    return message


def email_send(
    *, to: str, template: str, context: dict | None = None, language: str | None = None, user=None
) -> Message:
    return message_send(
        channel=Message.Channel.EMAIL, to=to, template=template, context=context, language=language, user=user
    )


def sms_send(*, to: str, template: str, context: dict | None = None, language: str | None = None, user=None) -> Message:
    return message_send(
        channel=Message.Channel.SMS, to=to, template=template, context=context, language=language, user=user
    )


def message_deliver(*, message_id: int) -> Message:
    """Try once to deliver; record the outcome. Called by the deliver_message task."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.delivered or message.status == Message.Status.FAILED:
            return message
        message.attempts += 1
        if settings.NOTIFICATIONS_OUTBOX:
            message.status = Message.Status.STORED
            message.sent_at = timezone.now()
            message.save(update_fields=["status", "attempts", "sent_at"])
            return message
        try:
            if message.channel == Message.Channel.EMAIL:
                gateways.send_email(to=message.recipient, subject=message.subject, body=message.body)
            else:
                gateways.send_sms(to=message.recipient, text=message.body)
        except gateways.DeliveryError as exc:
            # The reason never holds the recipient or the text (see gateways).
            message.last_error = str(exc)[:300]
            give_up = message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            message.status = Message.Status.FAILED if give_up else Message.Status.RETRYING
            fields = ["status", "attempts", "last_error"]
            if give_up:
                # Given up: a code or link in the body will never be used; don't keep it.
                message.body = ""
                fields.append("body")
            # The recipient is not logged: it is personal data; the id finds it.
            logger.warning(
                "message %s %s attempt %s/%s failed%s: %s",
                message.pk,
                message.template,
                message.attempts,
                settings.NOTIFICATIONS_MAX_ATTEMPTS,
                ", giving up" if give_up else "",
                message.last_error,
            )
            message.save(update_fields=fields)
            return message
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        # Delivered: the body (which may hold a code) is no longer needed.
        message.body = ""
        message.save(update_fields=["status", "attempts", "sent_at", "body"])
        logger.info("message %s delivered", message.pk)
        return message


def inbox_notify(*, user, title: str, body: str = "", link: str = "") -> InboxItem:
    """An in-app notification for a signed-in member (shown at /notifications/).

    `title` and `body` are stored as given: translate them in the member's language
    (translation.override(user.preferred_language)) before calling. `link` is a path
    inside the app.
    """
    if link and not link.startswith("/"):
        raise ValueError("an inbox link must be a path inside the app")
    return InboxItem.objects.create(user=user, title=title[:200], body=body, link=link)


def inbox_item_open(*, user, item_id: int) -> InboxItem:
    """Mark one of the user's notifications read (404 if it is not theirs) and return it."""
    with transaction.atomic():
        item = get_object_or_404(InboxItem.objects.select_for_update(), pk=item_id, user=user)
        if item.read_at is None:
            item.read_at = timezone.now()
            item.save(update_fields=["read_at"])
    return item


def inbox_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    return InboxItem.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())

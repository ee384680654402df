"""Reads for the outbox (demo) and the member's in-app inbox, scoped to who asks."""

from satuklik.notifications.models import InboxItem, Message


def outbox_messages():
    """Every stored message, newest first (the outbox is a demo tool with no owner)."""
    return Message.objects.order_by("-created_at", "-id")


def messages_to_retry():
    return Message.objects.filter(status=Message.Status.RETRYING).order_by("created_at", "id")


def inbox_for_user(*, user):
    return InboxItem.objects.filter(user=user).order_by("-created_at", "-id")


def inbox_unread_count(*, user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()

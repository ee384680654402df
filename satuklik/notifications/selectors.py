from satuklik.notifications.models import InboxItem, Message


def outbox_messages():
    return Message.objects.all()


def inbox_for_user(*, user):
    return InboxItem.objects.filter(user=user)

import factory

from satuklik.accounts.tests.factories import UserFactory as AccountUserFactory
from satuklik.notifications.models import InboxItem, Message


class UserFactory(AccountUserFactory):
    """An account without a membership: notifications need no policy."""

    class Params:
        member = None


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    channel = Message.Channel.EMAIL
    recipient = factory.Sequence(lambda n: f"person{n}@example.com")
    template = "test_message"
    language = "id"
    subject = factory.Sequence(lambda n: f"Pesan {n}")
    body = "Isi pesan"
    status = Message.Status.STORED


class InboxItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboxItem

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Klaim {n} disetujui")
    body = "Klaim Anda telah disetujui."
    link = ""

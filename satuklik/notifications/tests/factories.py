import factory
from django.contrib.auth import get_user_model

from satuklik.notifications.models import InboxItem, Message


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"MEMBER{n:04d}")
    email = factory.LazyAttribute(lambda user: f"{user.username.lower()}@example.com")
    preferred_language = "id"


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

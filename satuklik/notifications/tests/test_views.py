"""The demo outbox page and the member's in-app notifications page."""

import re

import pytest
from django.urls import reverse

from satuklik.core.testing import session_queries
from satuklik.notifications import services
from satuklik.notifications.models import InboxItem
from satuklik.notifications.tests.factories import InboxItemFactory, MessageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_on(settings):
    settings.NOTIFICATIONS_OUTBOX = True


def subjects(page):
    return re.findall(r'<strong class="outbox-subject">(.*?)</strong>', page)


def test_the_outbox_shows_messages_newest_first_25_per_page(client, outbox_on, django_assert_num_queries):
    for number in range(30):
        MessageFactory(subject=f"Pesan {number:02d}")

    # 2 queries: the paginator's COUNT and the page of messages (no session, no user).
    with django_assert_num_queries(2):
        first = client.get("/outbox/")
    assert first.status_code == 200
    page = first.content.decode()
    assert subjects(page)[:3] == ["Pesan 29", "Pesan 28", "Pesan 27"]
    assert len(subjects(page)) == 25
    assert "Halaman 1 dari 2" in page
    assert 'href="?page=2"' in page

    second = client.get("/outbox/?page=2").content.decode()
    assert subjects(second) == ["Pesan 04", "Pesan 03", "Pesan 02", "Pesan 01", "Pesan 00"]


def test_an_sms_without_subject_is_listed_by_its_text(client, outbox_on):
    services.sms_send(to="+6281234567890", template="test_message")
    page = client.get("/outbox/").content.decode()
    assert "Satuklik: SMS uji. Pengiriman berfungsi." in page
    assert "+6281234567890" in page


def test_a_message_opens_with_its_whole_text(client, outbox_on):
    message = services.email_send(to="jane@example.com", template="test_message", language="en")
    page = client.get(f"/outbox/{message.pk}/").content.decode()
    assert "Test message from Satuklik" in page
    assert "If you can read it, e-mail delivery works." in page
    assert 'data-field="recipient">jane@example.com<' in page


def test_the_outbox_is_empty_at_first(client, outbox_on):
    assert "Belum ada pesan." in client.get("/outbox/").content.decode()


def test_the_outbox_does_not_exist_when_messages_are_really_sent(client, settings):
    settings.NOTIFICATIONS_OUTBOX = False
    message = MessageFactory()
    assert client.get("/outbox/").status_code == 404
    assert client.get(f"/outbox/{message.pk}/").status_code == 404


def test_the_inbox_needs_a_signed_in_member(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_inbox_lists_only_the_members_own_notifications(client, settings, django_assert_num_queries):
    jane = UserFactory()
    InboxItemFactory(user=jane, title="Klaim 001 disetujui")
    InboxItemFactory(user=jane, title="Klaim 002 disetujui")
    InboxItemFactory(title="Klaim orang lain")
    client.force_login(jane)

    # None per item: the user, the paginator's COUNT, the unread count in the top bar
    # and the page of items (4). With database sessions (no REDIS_URL) add the session
    # read and its save on every request (idle timeout): an UPDATE inside a savepoint (4).
    expected = 4 + session_queries()
    with django_assert_num_queries(expected):
        response = client.get("/notifications/")
    page = response.content.decode()
    assert page.index("Klaim 002 disetujui") < page.index("Klaim 001 disetujui")
    assert "Klaim orang lain" not in page
    assert "Tandai semua sudah dibaca" in page


def test_opening_a_notification_marks_it_read_and_offers_its_link(client):
    jane = UserFactory()
    item = InboxItemFactory(user=jane, title="Klaim disetujui", body="Klaim 001 disetujui.", link="/claims/1/")
    client.force_login(jane)

    page = client.get(f"/notifications/{item.pk}/").content.decode()

    assert "Klaim 001 disetujui." in page
    assert 'href="/claims/1/"' in page
    item.refresh_from_db()
    assert item.read_at is not None


def test_nobody_opens_another_members_notification(client):
    item = InboxItemFactory()
    client.force_login(UserFactory())
    assert client.get(f"/notifications/{item.pk}/").status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_a_link_to_another_site_is_not_offered(client):
    jane = UserFactory()
    item = InboxItemFactory(user=jane, link="//evil.example/x")
    client.force_login(jane)
    page = client.get(f"/notifications/{item.pk}/").content.decode()
    assert "evil.example" not in page


def test_mark_all_read(client):
    jane = UserFactory()
    InboxItemFactory.create_batch(3, user=jane)
    client.force_login(jane)

    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    assert not InboxItem.objects.filter(user=jane, read_at__isnull=True).exists()
    assert "Tandai semua sudah dibaca" not in client.get("/notifications/").content.decode()


def test_an_empty_inbox_says_so(client):
    client.force_login(UserFactory())
    assert "Belum ada notifikasi." in client.get("/notifications/").content.decode()

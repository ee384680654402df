"""The in-app inbox: notifications for a signed-in member."""

import pytest
from django.http import Http404

from satuklik.notifications import selectors, services
from satuklik.notifications.tests.factories import InboxItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_notification_is_unread_until_opened():
    jane = UserFactory()
    item = services.inbox_notify(user=jane, title="Klaim disetujui", body="Klaim 123 disetujui.", link="/claims/1/")
    assert selectors.inbox_unread_count(user=jane) == 1

    opened = services.inbox_item_open(user=jane, item_id=item.pk)

    assert opened.read_at is not None
    assert selectors.inbox_unread_count(user=jane) == 0
    # Opening it again keeps the first reading time.
    assert services.inbox_item_open(user=jane, item_id=item.pk).read_at == opened.read_at


def test_nobody_opens_another_members_notification():
    item = InboxItemFactory()
    with pytest.raises(Http404):
        services.inbox_item_open(user=UserFactory(), item_id=item.pk)
    item.refresh_from_db()
    assert item.read_at is None


def test_mark_all_read_touches_only_the_members_own_items():
    jane, other = UserFactory(), UserFactory()
    InboxItemFactory.create_batch(3, user=jane)
    InboxItemFactory(user=other)

    assert services.inbox_mark_all_read(user=jane) == 3

    assert selectors.inbox_unread_count(user=jane) == 0
    assert selectors.inbox_unread_count(user=other) == 1


def test_links_must_stay_inside_the_app():
    with pytest.raises(ValueError):
        services.inbox_notify(user=UserFactory(), title="Phish", link="https://evil.example/")


def test_the_inbox_lists_newest_first():
    jane = UserFactory()
    first = InboxItemFactory(user=jane)
    second = InboxItemFactory(user=jane)
    InboxItemFactory()
    assert list(selectors.inbox_for_user(user=jane)) == [second, first]

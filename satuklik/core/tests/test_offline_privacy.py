"""What the service worker keeps on a device stays the signed-in person's, and goes at
logout (issue 10.15). The browser side runs in e2e/test_policies.py."""

import pytest
from django.urls import reverse

from satuklik.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_logging_out_tells_the_browser_to_drop_its_caches_and_storage(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_logging_out_everywhere_drops_them_too(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout-everywhere"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_each_persons_pages_name_an_opaque_owner_and_a_visitors_none(client):
    anonymous = client.get(reverse("accounts:login"))
    assert "X-Offline-Owner" not in anonymous
    assert 'data-offline-owner=""' in anonymous.content.decode()

    owners = []
    for user in (UserFactory(), UserFactory()):
        client.force_login(user)
        response = client.get(reverse("accounts:profile"))
        owner = response["X-Offline-Owner"]
        assert f'data-offline-owner="{owner}"' in response.content.decode()
        assert str(user.pk) != owner and len(owner) >= 16
        owners.append(owner)
    assert owners[0] != owners[1]


def test_the_offline_page_names_nobody_even_for_a_signed_in_person(client):
    client.force_login(UserFactory())
    response = client.get(reverse("core:offline"))
    assert response["X-Offline-Owner"] == ""
    assert "data-offline-owner" not in response.content.decode()


def test_a_new_release_names_a_new_service_worker_cache(client, settings):
    settings.RELEASE = "2026.12.1"
    first = client.get("/sw.js").content.decode()
    settings.RELEASE = "2026.12.2"
    second = client.get("/sw.js").content.decode()
    assert "2026.12.1" in first and "2026.12.2" in second
    assert first != second

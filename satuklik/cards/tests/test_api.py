"""/api/v1/cards: list, detail, activation, PNG and PDF; access rules."""

import datetime

import pytest
import time_machine
from django.test import Client

from satuklik.accounts import services as account_services
from satuklik.accounts.tests.factories import UserFactory
from satuklik.cards import services
from satuklik.policies.models import Member
from satuklik.policies.tests.factories import MemberFactory

NOW = datetime.datetime(2025, 6, 15, 3, 0, tzinfo=datetime.UTC)


def bearer(user) -> Client:
    _token, raw = account_services.api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def family(db):
    with time_machine.travel(NOW, tick=False):
        principal = MemberFactory(full_name="JANE RAILEY")
        child = MemberFactory(child_of=principal)
        user = UserFactory(member=principal)
        yield principal, child, user


def test_list_activate_and_verify(family):
    principal, child, user = family
    api = bearer(user)
    cards = api.get("/api/v1/cards").json()
    assert [(c["member_id"], c["activated"], c["payload"]) for c in cards] == [
        (principal.pk, False, ""),
        (child.pk, False, ""),
    ]
    response = api.post(f"/api/v1/cards/{principal.pk}/activate")
    assert response.status_code == 200
    card = response.json()
    assert card["activated"] and card["serial"] == 1
    assert card["verify_url"] == f"http://testserver/verify/{card['payload']}"
    assert card["valid_until"] == "2025-12-31"
    # The QR's address verifies the card.
    verdict = Client().get(f"/api/v1/verify/{card['payload']}").json()
    assert (verdict["valid"], verdict["card"]["full_name"]) == (True, "JANE RAILEY")

    # The list names the host each app called, never another's.
    listed = api.get("/api/v1/cards").json()[0]
    assert listed["verify_url"] == f"http://testserver/verify/{card['payload']}"
    other_host = api.get("/api/v1/cards", HTTP_HOST="localhost").json()[0]
    assert other_host["verify_url"] == f"http://localhost/verify/{card['payload']}"

    png = api.get(f"/api/v1/cards/{principal.pk}/png")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = api.get(f"/api/v1/cards/{principal.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert api.get(f"/api/v1/cards/{child.pk}/png").status_code == 404  # not activated yet


def test_activation_refused_for_an_inactive_participant(family):
    principal, _child, user = family
    Member.objects.filter(pk=principal.pk).update(status=Member.Status.INACTIVE)
    response = bearer(user).post(f"/api/v1/cards/{principal.pk}/activate")
    assert response.status_code == 409
    assert response.json()["code"] == "not_covered"


def card_endpoints(member):
    return [
        ("get", f"/api/v1/cards/{member.pk}"),
        ("post", f"/api/v1/cards/{member.pk}/activate"),
        ("get", f"/api/v1/cards/{member.pk}/png"),
        ("get", f"/api/v1/cards/{member.pk}/pdf"),
    ]


def test_another_members_card_is_404_and_anonymous_401(family):
    principal, child, user = family
    stranger = MemberFactory()
    UserFactory(member=stranger)
    services.card_activate(member=stranger, by=None)
    api = bearer(user)
    for method, url in card_endpoints(stranger):
        assert getattr(api, method)(url).status_code == 404, url
    for method, url in card_endpoints(principal) + [("get", "/api/v1/cards")]:
        assert getattr(Client(), method)(url).status_code == 401, url


def test_a_dependent_cannot_reach_the_principals_card(family):
    principal, child, _user = family
    services.card_activate(member=principal, by=None)
    api = bearer(UserFactory(member=child))
    for method, url in card_endpoints(principal):
        assert getattr(api, method)(url).status_code == 404, url
    assert [c["member_id"] for c in api.get("/api/v1/cards").json()] == [child.pk]

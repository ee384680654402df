"""Verification of a card's QR payload: valid, and every way of being invalid, on the page and the API."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from satuklik.accounts import linking
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import StaffUserFactory, UserFactory
from satuklik.cards import selectors, services, signing
from satuklik.cards.selectors import Card
from satuklik.policies.models import Member, Policy
from satuklik.policies.tests.factories import MemberFactory

D = datetime.date
NOW = datetime.datetime(2025, 6, 15, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Jakarta


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def family(db, now):
    principal = MemberFactory(full_name="JANE RAILEY")
    child = MemberFactory(child_of=principal, full_name="JUNIOR RAILEY")
    user = UserFactory(member=principal)
    for member in (principal, child):
        services.card_activate(member=member, by=user)
    return principal, child, user


def payload_of(member):
    member = Member.objects.select_related("policy__holder", "plan", "card_activation").get(pk=member.pk)
    return Card(member=member, activation=member.card_activation).payload


def verify(token):
    return selectors.card_verify(token=token, today=D(2025, 6, 15))


def test_a_genuine_card_of_a_covered_member_is_valid(family):
    principal, child, _user = family
    for member in (principal, child):
        result = verify(payload_of(member))
        assert (result.valid, result.reason) == (True, "valid")
        assert result.card.member == member


def test_tampered_payload(family):
    principal, _child, _user = family
    body_part, signature = payload_of(principal).split(".")
    other = payload_of(family[1]).split(".")[0]
    result = verify(f"{other}.{signature}")
    assert (result.valid, result.reason, result.card) == (False, "tampered", None)
    assert verify("garbage").reason == "malformed"
    assert body_part


def test_revoked_serial(family):
    principal, _child, user = family
    token = payload_of(principal)
    services.card_revoke(member=principal, by=StaffUserFactory(), reason="lost phone")
    assert verify(token).reason == "revoked"


def test_a_reissued_card_invalidates_the_old_qr(family):
    principal, _child, user = family
    old = payload_of(principal)
    services.card_reissue(member=principal, by=StaffUserFactory())
    assert verify(old).reason == "revoked"
    assert verify(payload_of(principal)).reason == "valid"


def test_an_inactive_member_is_revoked(family):
    principal, _child, _user = family
    token = payload_of(principal)
    Member.objects.filter(pk=principal.pk).update(status=Member.Status.INACTIVE)
    assert verify(token).reason == "revoked"


def test_removing_the_link_revokes_the_card_and_the_dependents_cards(family):
    principal, child, user = family
    tokens = [payload_of(principal), payload_of(child)]
    linking.link_unlink(link_id=user.policy_links.get().pk, by=StaffUserFactory())
    assert [verify(token).reason for token in tokens] == ["revoked", "revoked"]


def test_a_dependents_own_link_keeps_their_card_valid(family):
    principal, child, user = family
    UserFactory(member=child)
    token = payload_of(child)
    PolicyLink.objects.filter(member=principal).update(status=PolicyLink.Status.UNLINKED)
    assert verify(token).reason == "valid"


def test_expired_when_cover_ends(family, now):
    principal, _child, _user = family
    token = payload_of(principal)  # valid until 31/12/2025 (the policy's end)
    now.move_to(datetime.datetime(2026, 1, 1, 3, 0, tzinfo=datetime.UTC))
    assert selectors.card_verify(token=token, today=D(2026, 1, 1)).reason == "expired"
    # Or earlier: the member left the policy on 31 May.
    Member.objects.filter(pk=principal.pk).update(end_date=D(2025, 5, 31))
    assert verify(token).reason == "expired"


def test_not_started_and_policy_not_in_force(family):
    principal, _child, _user = family
    token = payload_of(principal)
    Member.objects.filter(pk=principal.pk).update(start_date=D(2025, 7, 1))
    assert verify(token).reason == "not_started"
    Member.objects.filter(pk=principal.pk).update(start_date=D(2025, 1, 1))
    Policy.objects.filter(pk=principal.policy_id).update(status=Policy.Status.LAPSED)
    assert verify(token).reason == "policy_inactive"


def test_unknown_participant_and_never_activated(family):
    principal, _child, _user = family
    forged = signing.payload_sign(
        signing.payload_body(
            policy_number="NOPE", participant_number="NOPE", valid_until=None, issued_on=D(2025, 1, 1), serial=1
        )
    )
    assert verify(forged).reason == "unknown"
    stranger = MemberFactory()
    UserFactory(member=stranger)
    never = signing.payload_sign(
        signing.payload_body(
            policy_number=stranger.policy.number,
            participant_number=stranger.participant_number,
            valid_until=None,
            issued_on=D(2025, 1, 1),
            serial=1,
        )
    )
    assert verify(never).reason == "not_activated"


def test_verification_takes_at_most_four_queries(family, django_assert_max_num_queries):
    principal, _child, _user = family
    token = payload_of(principal)
    # The member with policy, holder, plan, principal and activation; the revocation;
    # the covering link (and nothing else whatever the family size).
    with django_assert_max_num_queries(3):
        assert verify(token).valid


# --- page and API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "reason"),
    [("valid", "valid"), ("tampered", "tampered"), ("revoked", "revoked"), ("expired", "expired")],
)
def test_page_and_api_say_the_same(client, family, case, reason, settings):
    settings.LANGUAGE_CODE = "en"
    principal, child, user = family
    token = payload_of(principal)
    if case == "tampered":
        token = payload_of(child).split(".")[0] + "." + token.split(".")[1]
    elif case == "revoked":
        services.card_revoke(member=principal, by=StaffUserFactory())
    elif case == "expired":
        Member.objects.filter(pk=principal.pk).update(end_date=D(2025, 6, 14))

    page = client.get(reverse("verify:check", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-reason="{reason}"' in html
    assert ("VALID" if reason == "valid" else "NOT VALID") in html
    if case == "expired":
        assert "not active" in html

    api = client.get(f"/api/v1/verify/{token}")
    assert api.status_code == 200
    data = api.json()
    assert (data["valid"], data["reason"]) == (reason == "valid", reason)
    if case == "tampered":
        assert data["card"] is None
        assert "JANE RAILEY" not in html
    else:
        # No more than the card shows: no birth date, contacts, e-mail or claims.
        assert set(data["card"]) == {
            "full_name",
            "participant_number",
            "policy_number",
            "employer",
            "plan",
            "valid_from",
            "valid_until",
            "serial",
        }
        assert principal.email not in html and principal.email not in json.dumps(data)
        assert "1988" not in json.dumps(data)


def test_public_key_page_file_and_api(client, db):
    pem = signing.public_key_pem()
    page = client.get(reverse("verify:public-key"))
    assert page.status_code == 200
    assert pem.strip().splitlines()[1] in page.content.decode()
    assert signing.public_key_raw_base64() in page.content.decode()
    download = client.get(reverse("verify:public-key-pem"))
    assert download["Content-Type"] == "application/x-pem-file"
    assert download.content.decode() == pem
    api = client.get("/api/v1/verify/public-key").json()
    assert api["algorithm"] == "Ed25519" and api["pem"] == pem
    assert api["raw_base64"] == signing.public_key_raw_base64()

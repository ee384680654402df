"""Nobody reaches another member's claims: the routes not covered elsewhere, drafts in a
family where two people have accounts, and lists asked one after the other."""

import json
import re

import pytest
from django.test import Client

from satuklik.accounts import services as account_services
from satuklik.accounts.tests.factories import UserFactory
from satuklik.cards import services as card_services
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import TINY_PDF, ClaimDocumentFactory, ClaimFactory, member_user, upload
from satuklik.policies.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
S = Claim.Status


def bearer(user) -> Client:
    _token, raw = account_services.api_token_issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def two_members():
    jane, budi = member_user(), member_user()
    return jane, budi, budi.policy_links.get().member


def test_api_routes_of_another_members_claims_are_404(two_members):
    jane, _budi, budi_member = two_members
    api = bearer(jane)
    requested = ClaimFactory(member=budi_member, status=S.DOCUMENTS_REQUESTED)
    rejected = ClaimFactory(member=budi_member, status=S.REJECTED)
    draft = ClaimFactory(member=budi_member, status=S.DRAFT)
    document = ClaimDocumentFactory(claim=draft)
    own_draft = ClaimFactory(member=jane.policy_links.get().member, status=S.DRAFT)

    edit = {"treatment_date": "2025-03-10", "items": []}
    assert api.put(f"/api/v1/claims/{draft.pk}", edit, content_type="application/json").status_code == 404
    files = {"files": [upload("a.pdf", TINY_PDF)]}
    assert api.post(f"/api/v1/claims/{requested.pk}/requested-documents", files).status_code == 404
    appeal = {"reason": "x" * 30}
    assert api.post(f"/api/v1/claims/{rejected.pk}/appeal", appeal, content_type="application/json").status_code == 404
    # Her own draft with his document's id.
    assert api.delete(f"/api/v1/claims/{own_draft.pk}/documents/{document.pk}").status_code == 404
    complete = {
        "member_id": budi_member.pk,
        "benefit_type": "OUTPATIENT",
        "details": {"treatment_date": "2025-03-10", "items": []},
        "bank_account": {"bank_code": "014", "account_number": "1234567890", "holder": "X"},
    }
    response = api.post("/api/v1/claims/complete", {"data": json.dumps(complete)}, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 404
    assert draft.documents.filter(pk=document.pk).exists()
    assert Claim.objects.filter(member=budi_member).count() == 3


def test_page_routes_of_another_members_claims_are_404(client, two_members):
    jane, _budi, budi_member = two_members
    draft = ClaimFactory(member=budi_member, status=S.DRAFT)
    document = ClaimDocumentFactory(claim=draft)
    rejected = ClaimFactory(member=budi_member, status=S.REJECTED)
    client.force_login(jane)
    assert client.get(f"/claims/{draft.pk}/edit/providers/?q=a").status_code == 404
    assert client.get(f"/claims/{draft.pk}/edit/bank/verify/").status_code == 404
    assert client.post(f"/claims/{draft.pk}/edit/documents/{document.pk}/remove/").status_code == 404
    assert client.post(f"/claims/{rejected.pk}/appeal/", {"reason": "x" * 30}).status_code == 404
    bank = {"bank_code": "014", "account_number": "9999999999", "holder": "X"}
    assert client.post(f"/claims/{draft.pk}/edit/bank/", bank).status_code == 404
    draft.refresh_from_db()
    assert draft.bank_account_number != "9999999999" and draft.documents.exists()


def test_new_claim_for_another_members_participant_makes_nothing(client, two_members):
    jane, _budi, budi_member = two_members
    client.force_login(jane)
    page = client.get("/claims/new/")
    token = re.search(rb'name="submission_token" value="([^"]+)"', page.content)
    client.post(
        "/claims/new/",
        {
            "participant": budi_member.pk,
            "benefit_type": "OUTPATIENT",
            "submission_token": token.group(1).decode() if token else "",
        },
    )
    assert not Claim.objects.exists()


def test_a_draft_is_its_authors_until_submitted(client):
    # A principal and his spouse, each with an account: both see the claims sent about
    # the spouse, but neither opens, changes or deletes the other's unfinished draft,
    # nor sees the bank account it was to pay.
    principal_user = member_user()
    spouse = MemberFactory(spouse_of=principal_user.policy_links.get().member)
    spouse_user = UserFactory(member=spouse)
    draft = ClaimFactory(member=spouse, status=S.DRAFT, bank_account_number="7777666655", submitted_by=principal_user)
    sent = ClaimFactory(member=spouse, status=S.SUBMITTED, submitted_by=principal_user)

    client.force_login(spouse_user)
    for url in (f"/claims/{draft.pk}/", f"/claims/{draft.pk}/edit/", f"/claims/{draft.pk}/edit/bank/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/claims/{draft.pk}/delete/").status_code == 404
    assert client.get(f"/claims/{sent.pk}/").status_code == 200
    assert b"7777666655" not in client.get("/claims/").content
    api = bearer(spouse_user)
    assert api.get(f"/api/v1/claims/{draft.pk}").status_code == 404
    assert [item["id"] for item in api.get("/api/v1/claims").json()["items"]] == [sent.pk]
    assert Claim.objects.filter(pk=draft.pk).exists()

    own = ClaimFactory(member=spouse, status=S.DRAFT, submitted_by=spouse_user)
    client.force_login(principal_user)
    assert client.get(f"/claims/{own.pk}/edit/bank/").status_code == 404
    assert client.get(f"/claims/{draft.pk}/edit/bank/").status_code == 200  # his own draft


def test_lists_are_each_members_own(two_members):
    jane, budi, budi_member = two_members
    jane_member = jane.policy_links.get().member
    ClaimFactory(member=jane_member, status=S.SUBMITTED)
    card_services.card_activate(member=jane_member, by=None)
    api_jane, api_budi = bearer(jane), bearer(budi)
    for url in ("/api/v1/cards", "/api/v1/claims", "/api/v1/claims/participants", "/api/v1/auth/me"):
        api_jane.get(url)  # Jane asks first
        assert jane_member.participant_number.encode() not in api_budi.get(url).content, url
    assert api_budi.get("/api/v1/claims").json()["count"] == 0
    assert [card["member_id"] for card in api_budi.get("/api/v1/cards").json()] == [budi_member.pk]

"""/api/v1/officer/claims/: the officers' endpoints with a bearer token."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from satuklik.accounts.services import api_token_issue
from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.accounts.tests.staff import staff_api_token
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import ClaimDocumentFactory, ClaimFactory, member_user
from satuklik.core.roles import CLAIMS_OFFICER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages checked here are the English msgids (the default language is Indonesian).
    with translation.override("en"):
        yield


S = Claim.Status
BASE = "/api/v1/officer/claims"
# The queue's 6 queries; a bearer request touches no session.
QUEUE_QUERIES = 6


def bearer(user):
    _token, raw = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def officer():
    officer = StaffUserFactory()
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return officer


@pytest.fixture
def auth(officer):
    # Signed in as officers do: password and authenticator code (a token with the second factor).
    return {"HTTP_AUTHORIZATION": f"Bearer {staff_api_token(Client(), officer)}"}


def test_only_claims_officers(client):
    claim = ClaimFactory()
    assert client.get(f"{BASE}/").status_code == 401
    for user in (member_user(), StaffUserFactory()):
        headers = bearer(user)
        response = client.get(f"{BASE}/", **headers)
        assert response.status_code == 403
        assert response.json()["code"] == "not_officer"
        assert client.post(f"{BASE}/{claim.pk}/start-review", **headers).status_code == 403
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_queue_filters_and_constant_query_count(client, auth, django_assert_num_queries):
    first = ClaimFactory()
    ClaimFactory(member=first.member, status=S.APPROVED)
    ClaimFactory(member=first.member, status=S.DRAFT)
    client.get(f"{BASE}/", **auth)  # the first call stamps the token's last use and starts a session
    # The token with its user, the user's own and group permissions (the permission check),
    # the page's ids in order, those claims (participant, officer and duplicate joined), the
    # count, and the session's idle-timeout stamp (read, savepoint, write, release): the same
    # for 1 or 12 claims.
    with django_assert_num_queries(QUEUE_QUERIES):
        body = client.get(f"{BASE}/", **auth).json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == first.number
    assert body["items"][0]["overdue"] is True  # due 1 April 2025
    for _ in range(11):
        ClaimFactory(member=first.member)
    with django_assert_num_queries(QUEUE_QUERIES):
        body = client.get(f"{BASE}/", {"limit": 5}, **auth).json()
    assert (body["count"], len(body["items"])) == (12, 5)
    body = client.get(f"{BASE}/", {"status": "to_pay"}, **auth).json()
    assert [row["status"] for row in body["items"]] == [S.APPROVED]


def test_review_request_documents_decide_and_pay(client, auth, officer):
    claim = ClaimFactory()
    ClaimDocumentFactory(claim=claim)
    response = client.post(f"{BASE}/{claim.pk}/start-review", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == S.IN_REVIEW and body["assigned_officer"] == officer.username
    item = body["items"][0]
    # 300.000: 150.000 visit limit, 20 % co-payment of 150.000 -> 120.000.
    assert item["amount_proposed"] == 120_000
    assert [(r["code"], r["amount"]) for r in item["reductions"]] == [("LIMIT_AMOUNT", 150_000), ("COPAY", 30_000)]
    assert body["documents"][0]["url"].startswith("/backoffice/claims/documents/")
    assert body["bank_account_masked"] == "******7890"

    response = client.post(
        f"{BASE}/{claim.pk}/request-documents", {"message": ""}, content_type="application/json", **auth
    )
    assert response.status_code == 422
    response = client.post(
        f"{BASE}/{claim.pk}/decide",
        {"decision": "approve", "items": [{"id": item["id"], "amount": 90_000}]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["field"] == f"reason_{item['id']}"
    response = client.post(
        f"{BASE}/{claim.pk}/decide",
        {"decision": "approve", "items": [{"id": item["id"], "amount": 90_000, "reason_code": "OTHER", "note": "x"}]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["amount_approved"]) == (S.PARTLY_APPROVED, 90_000)
    assert body["letter_url"]

    response = client.post(
        f"{BASE}/{claim.pk}/decide", {"decision": "approve"}, content_type="application/json", **auth
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"

    response = client.post(
        f"{BASE}/{claim.pk}/mark-paid", {"reference": "TRF-9"}, content_type="application/json", **auth
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["amount_paid"]) == (S.PAID, 90_000)
    assert [change["new_status"] for change in response.json()["timeline"]][-3:] == [
        S.IN_REVIEW,
        S.PARTLY_APPROVED,
        S.PAID,
    ]


def test_an_officer_cannot_act_on_their_own_claim(client, auth, officer):
    claim = ClaimFactory(submitted_by=officer)
    response = client.post(f"{BASE}/{claim.pk}/start-review", **auth)
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert client.get(f"{BASE}/{claim.pk}", **auth).json()["conflict"]


def test_unknown_claim_and_drafts_are_404(client, auth):
    assert client.get(f"{BASE}/999999", **auth).status_code == 404
    draft = ClaimFactory(status=S.DRAFT)
    assert client.get(f"{BASE}/{draft.pk}", **auth).status_code == 404


def test_the_bank_file_endpoint_is_reachable_and_pays(client, auth):
    # POST /payments used to answer 405: GET /{claim_id} (no int converter) matched it first.
    claim = ClaimFactory()
    ClaimDocumentFactory(claim=claim)
    item = client.post(f"{BASE}/{claim.pk}/start-review", **auth).json()["items"][0]
    decided = client.post(
        f"{BASE}/{claim.pk}/decide",
        {"decision": "approve", "items": [{"id": item["id"], "amount": item["amount_claimed"]}]},
        content_type="application/json",
        **auth,
    )
    assert decided.status_code == 200, decided.json()
    approved = decided.json()["amount_approved"]
    bank_file = SimpleUploadedFile(
        "transfers.csv", f"{claim.number},{approved},TRF-42,2025-06-30\n".encode(), content_type="text/csv"
    )
    response = client.post(f"{BASE}/payments", {"file": bank_file}, **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [line["number"] for line in body["paid"]] == [claim.number]
    assert body["total_paid"] == approved
    claim.refresh_from_db()
    assert claim.status == S.PAID

"""/api/v1/claims: the member's endpoints, scoped to the member, with the same rules as the web."""

import datetime
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from satuklik.accounts import services as account_services
from satuklik.claims.models import Claim, ClaimDocument, DocumentRequest
from satuklik.claims.tests.factories import (
    TINY_PDF,
    ClaimDocumentFactory,
    ClaimFactory,
    jpeg_bytes,
    member_user,
    plan_item,
    ready_draft,
    upload,
)
from satuklik.notifications.models import Message
from satuklik.policies.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
S = Claim.Status
TODAY = datetime.datetime(2025, 3, 19, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with time_machine.travel(TODAY, tick=False), translation.override("en"):
        yield


@pytest.fixture
def jane():
    return member_user()


@pytest.fixture
def api(client, jane):
    """The test client with Jane's bearer token, as a mobile app calls the API."""
    _token, raw = account_services.api_token_issue(user=jane, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_requires_authentication(client):
    assert client.get("/api/v1/claims").status_code == 401
    assert client.post("/api/v1/claims", {}, content_type="application/json").status_code == 401


def test_participants_list_the_member_and_dependents_with_their_plan(api, jane):
    child = MemberFactory(child_of=jane.policy_links.get().member)
    body = api.get("/api/v1/claims/participants").json()
    assert [row["id"] for row in body] == [jane.policy_links.get().member_id, child.pk]
    assert "OUTPATIENT" in body[0]["benefit_types"]
    assert body[0]["benefit_items"]["INPATIENT"][0]["per_day"] is True


def test_participants_take_the_same_queries_for_a_larger_family(api, jane):
    principal = jane.policy_links.get().member
    MemberFactory(spouse_of=principal)

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/claims/participants").json()
        return len(queries), body

    count()  # the token's first use is stamped once
    two, body = count()
    assert len(body) == 2
    for _ in range(3):
        MemberFactory(child_of=principal)
    five, body = count()
    assert len(body) == 5 and all(row["benefit_items"]["OUTPATIENT"] for row in body)
    assert two == five


def test_whole_journey_by_api(api, jane, django_capture_on_commit_callbacks):
    member = jane.policy_links.get().member
    item = plan_item(member, "OUTPATIENT")
    created = api.post(
        "/api/v1/claims",
        {
            "member_id": member.pk,
            "benefit_type": "OUTPATIENT",
            "details": {
                "treatment_date": "2025-03-14",
                "provider_name": "Klinik A",
                "diagnosis": "Demam",
                "items": [{"benefit_item_id": item.pk, "amount": 200_000}],
            },
            "bank_account": {"bank_code": "014", "account_number": "1234567890", "holder": "JANE"},
        },
        content_type="application/json",
        headers={"Idempotency-Key": "journey-1"},
    )
    assert created.status_code == 201, created.content
    claim = created.json()
    assert claim["status"] == "DRAFT" and claim["number"] is None
    assert claim["bank_account_masked"] == "******7890"
    assert "1234567890" not in created.content.decode()
    claim_id = claim["id"]

    for code, content in (("RECEIPT", TINY_PDF), ("PRESCRIPTION", jpeg_bytes())):
        response = api.post(
            f"/api/v1/claims/{claim_id}/documents",
            {"files": [upload(f"{code}.bin", content)], "requirement": code},
        )
        assert response.status_code == 201, response.content

    # Not confirmed yet: the submission lists the problem.
    refused = api.post(f"/api/v1/claims/{claim_id}/submit")
    assert refused.status_code == 422
    assert [p["code"] for p in refused.json()["errors"]] == ["bank_account_unconfirmed"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            "/api/v1/claims/bank-accounts/send-code",
            {"bank_code": "014", "account_number": "1234567890", "holder": "JANE"},
            content_type="application/json",
        ).json()
    code = re.search(r"\b(\d{6})\b", Message.objects.filter(template="otp_code").latest("id").body).group(1)
    verified = api.post(
        "/api/v1/claims/bank-accounts/verify",
        {**sent, "code": code, "bank_code": "014", "account_number": "1234567890", "holder": "JANE"},
        content_type="application/json",
    )
    assert verified.status_code == 200, verified.content
    assert verified.json()["account_number_masked"] == "******7890"

    estimate = api.get(f"/api/v1/claims/{claim_id}/estimate").json()
    # GP visit limit 150,000, co-payment 20 %: 120,000 payable of 200,000.
    assert (estimate["amount_payable"], estimate["member_share"]) == (120_000, 80_000)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/claims/{claim_id}/submit", headers={"Idempotency-Key": "journey-submit"})
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "SUBMITTED" and body["number"].startswith("CLM-20250319-")
    assert [row["new_status"] for row in body["timeline"]] == ["SUBMITTED"]
    assert all(row["uploaded"] for row in body["checklist"] if row["required"])
    assert body["decision_due_date"] == "2025-04-17"

    listed = api.get("/api/v1/claims").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == body["number"]

    document = body["documents"][0]
    download = api.get(document["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"  # as the page's download


def test_one_request_complete_claim(api, jane):
    member = jane.policy_links.get().member
    from satuklik.claims.tests.factories import BankAccountUsedFactory

    BankAccountUsedFactory(user=jane, bank_code="014", account_number="1234567890")
    data = {
        "member_id": member.pk,
        "benefit_type": "OUTPATIENT",
        "details": {
            "treatment_date": "2025-03-14",
            "provider_name": "Klinik A",
            "diagnosis": "Demam",
            "items": [{"benefit_item_id": plan_item(member, "OUTPATIENT").pk, "amount": 200_000}],
        },
        "bank_account": {"bank_code": "014", "account_number": "1234567890", "holder": "JANE"},
    }
    response = api.post(
        "/api/v1/claims/complete",
        {
            "data": json.dumps(data),
            "RECEIPT": upload("kuitansi.pdf", TINY_PDF),
            "PRESCRIPTION": upload("resep.jpg", jpeg_bytes()),
        },
        headers={"Idempotency-Key": "complete-1"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "SUBMITTED"
    assert ClaimDocument.objects.count() == 2

    bad = api.post(
        "/api/v1/claims/complete",
        {
            "data": json.dumps(data),
            "RECEIPT": upload("kuitansi.pdf", TINY_PDF),
            "PRESCRIPTION": upload("resep.pdf", b"<html></html>"),
        },
        headers={"Idempotency-Key": "complete-2"},
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "file_refused"
    assert Claim.objects.count() == 1 and ClaimDocument.objects.count() == 2


def test_bad_files_by_api_have_messages(api, jane):
    claim = ready_draft(jane, documents=False)
    for name, content, text in (
        ("a.pdf", b"<html></html>", "is not a PDF"),
        ("b.pdf", b"", "is empty"),
    ):
        response = api.post(f"/api/v1/claims/{claim.pk}/documents", {"files": [upload(name, content)]})
        assert response.status_code == 422
        assert text in response.json()["message"]


def test_another_member_gets_404_on_claims_and_documents(api, jane):
    budi = member_user()
    claim = ClaimFactory(member=budi.policy_links.get().member, status=S.SUBMITTED)
    draft = ClaimFactory(member=budi.policy_links.get().member, status=S.DRAFT)
    document = ClaimDocumentFactory(claim=claim)
    assert api.get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert api.get(f"/api/v1/claims/{claim.pk}/estimate").status_code == 404
    assert api.get(f"/api/v1/claims/documents/{document.pk}").status_code == 404
    assert api.post(f"/api/v1/claims/{draft.pk}/submit").status_code == 404
    assert api.put(f"/api/v1/claims/{draft.pk}/bank-account", {}, content_type="application/json").status_code in (
        404,
        422,
    )
    assert (
        api.put(
            f"/api/v1/claims/{draft.pk}/bank-account",
            {"bank_code": "014", "account_number": "1234567890", "holder": "X"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert api.post(f"/api/v1/claims/{draft.pk}/documents", {"files": [upload("a.pdf", TINY_PDF)]}).status_code == 404
    assert api.delete(f"/api/v1/claims/{draft.pk}/documents/1").status_code == 404
    assert api.get("/api/v1/claims").json()["count"] == 0
    # Claiming for another member's participant is refused too.
    body = {"member_id": budi.policy_links.get().member_id, "benefit_type": "OUTPATIENT"}
    response = api.post("/api/v1/claims", body, content_type="application/json", headers={"Idempotency-Key": "x"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and not draft.documents.exists()


def test_submitted_claim_cannot_be_changed(api, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.SUBMITTED)
    response = api.post(f"/api/v1/claims/{claim.pk}/documents", {"files": [upload("a.pdf", TINY_PDF)]})
    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"


def test_requested_documents_by_api(api, jane, django_capture_on_commit_callbacks):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.DOCUMENTS_REQUESTED)
    DocumentRequest.objects.create(claim=claim, message="Hasil lab")
    detail = api.get(f"/api/v1/claims/{claim.pk}").json()
    assert detail["document_requests"][0]["message"] == "Hasil lab"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/claims/{claim.pk}/requested-documents", {"files": [upload("lab.pdf", TINY_PDF)]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "SUBMITTED"
    again = api.post(f"/api/v1/claims/{claim.pk}/requested-documents", {"files": [upload("lab.pdf", TINY_PDF)]})
    assert again.status_code == 409


def test_illegal_status_moves_by_api_are_refused(api, jane):
    claim = ClaimFactory(member=jane.policy_links.get().member, status=S.APPROVED)
    response = api.post(
        f"/api/v1/claims/{claim.pk}/appeal", {"reason": "Tidak setuju"}, content_type="application/json"
    )
    assert response.status_code == 422
    claim.refresh_from_db()
    assert claim.status == S.APPROVED


def test_list_is_paginated_with_a_constant_query_count(api, jane):
    member = jane.policy_links.get().member
    ClaimFactory(member=member, items=[])

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/claims?page_size=20").json()
        return len(queries), body

    count()  # the token's first use is stamped once; later calls within the minute are not
    one, body = count()
    assert body["count"] == 1
    for _ in range(49):
        ClaimFactory(member=member, items=[])
    fifty, body = count()
    assert body["count"] == 50 and body["pages"] == 3 and len(body["items"]) == 20
    # The token (with its user), the count and the page (participant joined): the same
    # for 1 or 50 claims.
    assert one == fifty


def test_bank_accounts_are_masked(api, jane):
    services_submit = __import__("satuklik.claims.services", fromlist=["claim_submit"]).claim_submit
    services_submit(claim=ready_draft(jane), user=jane)
    body = api.get("/api/v1/claims/bank-accounts").json()
    assert body["accounts"][0]["account_number_masked"] == "******7890"
    assert body["accounts"][0]["last_used"] is True
    assert {"code": "014", "name": "BCA (Bank Central Asia)"} in body["banks"]
    assert "1234567890" not in json.dumps(body)


def test_openapi_lists_the_claim_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/claims", "/api/v1/claims/{claim_id}", "/api/v1/claims/{claim_id}/submit"):
        assert path in paths
    parameters = paths["/api/v1/claims"]["post"].get("parameters", [])
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in parameters)

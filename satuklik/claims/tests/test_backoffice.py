"""The claims back office pages: access, the work queue, the claim page and its actions."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.accounts.tests.staff import staff_sign_in
from satuklik.claims.models import Claim
from satuklik.claims.review import claim_decide, claim_start_review
from satuklik.claims.tests.factories import ClaimDocumentFactory, ClaimFactory, member_user
from satuklik.core.roles import CLAIMS_OFFICER
from satuklik.core.testing import session_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages checked here are the English msgids (the default language is Indonesian).
    with translation.override("en"):
        yield


S = Claim.Status
QUEUE = reverse("claims-backoffice:queue")


def make_officer():
    officer = StaffUserFactory()
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return officer


@pytest.fixture
def officer():
    return make_officer()


@pytest.fixture
def officer_client(client, officer, settings):
    staff_sign_in(client, officer)  # password, then the authenticator code
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def claim():
    return ClaimFactory()


def many_claims(template: Claim, count: int, **fields):
    """`count` more submitted claims of the template's participant, saved in one go."""
    base = {
        "member": template.member,
        "benefit_type": template.benefit_type,
        "status": S.SUBMITTED,
        "treatment_date": template.treatment_date,
        "submitted_at": template.submitted_at,
        "decision_due_date": template.decision_due_date,
        "amount_claimed": 300_000,
    }
    start = Claim.objects.count()
    return Claim.objects.bulk_create([Claim(number=f"BULK-{start + n:06d}", **(base | fields)) for n in range(count)])


# --- access ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, claim):
    for url in (QUEUE, reverse("claims-backoffice:detail", args=[claim.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_members_and_staff_without_the_role_never_see_the_queue(client, claim):
    member = member_user()
    for user in (member, StaffUserFactory()):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(reverse("claims-backoffice:detail", args=[claim.pk])).status_code == 403
        assert client.post(reverse("claims-backoffice:start", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_a_claims_officer_without_the_pay_permission_cannot_pay(officer_client, officer, claim):
    group = Group.objects.get(name=CLAIMS_OFFICER)
    officer.groups.remove(group)
    reviewer = Group.objects.create(name="Reviewer only")
    reviewer.permissions.set(group.permissions.exclude(codename="pay_claim"))
    officer.groups.add(reviewer)
    assert officer_client.get(QUEUE).status_code == 200
    assert officer_client.get(reverse("claims-backoffice:payments")).status_code == 403


# --- the queue ------------------------------------------------------------------------------


def test_queue_query_count_is_the_same_for_10_and_200_claims(officer_client, claim, django_assert_num_queries):
    # 8 queries whatever the number of claims: the user; the officer's TOTP device (django-otp
    # checks the session's second factor); the user's own and group
    # permissions (the permission check); the count, the page's 50 ids in order (claims
    # only), those claims with participant, officer and duplicate joined; the unread-notification
    # count of the app bar; plus the session's own queries (see session_queries).
    queries = 8 + session_queries()
    many_claims(claim, 9)
    with django_assert_num_queries(queries):
        response = officer_client.get(QUEUE, {"status": "all"})
    assert response.context["page"].paginator.count == 10
    many_claims(claim, 190)
    with django_assert_num_queries(queries):
        response = officer_client.get(QUEUE, {"status": "all"})
    assert response.context["page"].paginator.count == 200
    assert len(response.context["rows"]) == 50


def test_queue_filters_and_overdue_highlight(officer_client, claim):
    today = timezone.localdate()
    overdue = ClaimFactory(decision_due_date=today - datetime.timedelta(days=1), number="CLM-OVERDUE")
    ClaimFactory(decision_due_date=today + datetime.timedelta(days=5), number="CLM-ONTIME")
    duplicate = ClaimFactory(duplicate_of=claim, number="CLM-DUPLICATE")
    big = ClaimFactory(number="CLM-BIG")
    Claim.objects.filter(pk=big.pk).update(amount_claimed=25_000_000)
    ClaimFactory(status=S.DRAFT, number="CLM-DRAFT")
    ClaimFactory(status=S.APPROVED, number="CLM-TOPAY")
    Claim.objects.exclude(pk=overdue.pk).update(decision_due_date=today + datetime.timedelta(days=5))

    page = officer_client.get(QUEUE).content.decode()
    assert "CLM-OVERDUE" in page and "CLM-DRAFT" not in page and "CLM-TOPAY" not in page
    assert 'class="is-overdue"' in page
    response = officer_client.get(QUEUE, {"overdue": "on"})
    assert [row["claim"] for row in response.context["rows"]] == [overdue]
    response = officer_client.get(QUEUE, {"duplicate": "on"})
    assert [row["claim"] for row in response.context["rows"]] == [duplicate]
    response = officer_client.get(QUEUE, {"amount_min": "20.000.000"})
    assert [row["claim"] for row in response.context["rows"]] == [big]
    response = officer_client.get(QUEUE, {"amount_max": "Rp 1.000.000", "status": "to_pay"})
    assert [row["claim"].number for row in response.context["rows"]] == ["CLM-TOPAY"]
    response = officer_client.get(QUEUE, {"q": "clm-big"})
    assert [row["claim"] for row in response.context["rows"]] == [big]
    # The factory's claims were submitted on 12 March 2025: older than 30 days.
    response = officer_client.get(QUEUE, {"min_age_days": "30"})
    assert len(response.context["rows"]) == 5
    assert response.context["rows"][0]["age_days"] > 30


# --- the claim page and its actions ---------------------------------------------------------


def test_review_request_documents_decide_and_pay_from_the_claim_page(officer_client, officer, claim):
    url = reverse("claims-backoffice:detail", args=[claim.pk])
    doc = ClaimDocumentFactory(claim=claim)
    page = officer_client.get(url).content.decode()
    assert "Start review" in page and "kuitansi.pdf" in page

    response = officer_client.post(reverse("claims-backoffice:start", args=[claim.pk]))
    assert response.status_code == 302
    page = officer_client.get(url).content.decode()
    # The proposal and its reasons in words.
    assert "Rp 120.000" in page
    assert "Co-payment of 20% borne by the participant: Rp 30.000." in page

    response = officer_client.post(reverse("claims-backoffice:request-documents", args=[claim.pk]), {"message": ""})
    assert response.status_code == 400
    response = officer_client.post(
        reverse("claims-backoffice:request-documents", args=[claim.pk]), {"message": "Resep dokter, mohon."}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.DOCUMENTS_REQUESTED

    # The member answers (C1's service); here the status moves back as that service would.
    from satuklik.claims.workflow import claim_transition

    claim_transition(claim=claim, to_status=S.SUBMITTED)
    officer_client.post(reverse("claims-backoffice:start", args=[claim.pk]))
    item = claim.items.get()
    # A changed amount without a reason: refused with a message, nothing decided.
    response = officer_client.post(
        reverse("claims-backoffice:approve", args=[claim.pk]), {f"amount_{item.pk}": "100.000", "note": ""}
    )
    assert response.status_code == 400
    assert "Give a reason for each amount you change." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    response = officer_client.post(
        reverse("claims-backoffice:approve", args=[claim.pk]),
        {
            f"amount_{item.pk}": "100.000",
            f"reason_{item.pk}": "DOCS_INCOMPLETE",
            f"note_{item.pk}": "Obat tanpa resep.",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.decided_by) == (S.PARTLY_APPROVED, 100_000, officer)

    response = officer_client.post(reverse("claims-backoffice:paid", args=[claim.pk]), {"reference": "BCA-778899"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.payment_reference, claim.amount_paid) == (S.PAID, "BCA-778899", 100_000)

    letter = officer_client.get(reverse("claims-backoffice:letter", args=[claim.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF-")

    shown = officer_client.get(reverse("claims-backoffice:document", args=[doc.pk]))
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert b"".join(shown.streaming_content).startswith(b"%PDF-")


def test_reject_with_a_reason_from_the_list(officer_client, claim):
    officer_client.post(reverse("claims-backoffice:start", args=[claim.pk]))
    response = officer_client.post(reverse("claims-backoffice:reject", args=[claim.pk]), {"reason_code": ""})
    assert response.status_code == 400
    response = officer_client.post(
        reverse("claims-backoffice:reject", args=[claim.pk]), {"reason_code": "NOT_COVERED", "note": "Kosmetik."}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.rejection_reason_code.code, claim.decision_note) == (
        S.REJECTED,
        "NOT_COVERED",
        "Kosmetik.",
    )


def test_an_officer_sees_why_they_cannot_act_on_their_own_claim(officer_client, officer, claim):
    claim.submitted_by = officer
    claim.save(update_fields=["submitted_by"])
    page = officer_client.get(reverse("claims-backoffice:detail", args=[claim.pk])).content.decode()
    assert "You submitted this claim: another officer must handle it." in page
    assert "Start review" not in page
    response = officer_client.post(reverse("claims-backoffice:start", args=[claim.pk]))
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_a_draft_is_not_the_back_offices(officer_client):
    draft = ClaimFactory(status=S.DRAFT)
    assert officer_client.get(reverse("claims-backoffice:detail", args=[draft.pk])).status_code == 404


def test_bulk_mark_paid_upload_shows_the_report(officer_client):
    other = make_officer()
    claim = ClaimFactory(number="CLM-PAY-1")
    claim_start_review(claim=claim, officer=other)
    claim_decide(claim=claim, officer=other, decision="approve")
    upload = SimpleUploadedFile(
        "transfer.csv", b"CLM-PAY-1,120000,TRX-1,2025-04-01\nCLM-UNKNOWN,50000,TRX-2,2025-04-01\n", "text/csv"
    )
    response = officer_client.post(reverse("claims-backoffice:payments"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 claim marked paid (Rp 120.000)." in page
    assert "CLM-UNKNOWN" in page
    claim.refresh_from_db()
    assert claim.status == S.PAID

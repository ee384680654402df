"""The officer's services: review, decision, payment, appeal, and who may do what.

The default claim of ClaimFactory is an outpatient GP visit of 300.000 on a plan paying
150.000 per visit with a 20 % co-payment: the proposal is 150.000 - 20 % = 120.000.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import translation

from satuklik.accounts.tests.factories import PolicyLinkFactory, StaffUserFactory
from satuklik.claims.models import Claim, ClaimStatusChange, DocumentRequest
from satuklik.claims.review import (
    Adjustment,
    ReviewError,
    appeal_open,
    claim_appeal,
    claim_decide,
    claim_mark_paid,
    claim_request_documents,
    claim_start_review,
)
from satuklik.claims.tests.factories import ClaimFactory, member_user
from satuklik.claims.workflow import IllegalTransition
from satuklik.notifications.models import Message
from satuklik.policies.benefits import benefit_usage_for_member
from satuklik.policies.models import BenefitType
from satuklik.policies.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages checked here are the English msgids (the default language is Indonesian).
    with translation.override("en"):
        yield


S = Claim.Status
WIB = datetime.timezone(datetime.timedelta(hours=7))


def at(*args):
    return datetime.datetime(*args, tzinfo=WIB)


@pytest.fixture
def member():
    return member_user()


@pytest.fixture
def officer():
    return StaffUserFactory()


@pytest.fixture
def claim(member):
    return ClaimFactory(member=member.policy_links.get().member)


def timeline(claim):
    return list(
        ClaimStatusChange.objects.filter(claim=claim).order_by("id").values_list("old_status", "new_status", "actor_id")
    )


def test_start_review_assigns_the_officer_and_stores_the_proposal(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    assert claim.assigned_officer == officer
    assert timeline(claim)[-1] == (S.SUBMITTED, S.IN_REVIEW, officer.pk)
    item = claim.items.get()
    # 300.000 claimed: limit 150.000 per visit (150.000 over), co-payment 20 % of 150.000 = 30.000.
    assert item.amount_proposed == 120_000
    assert item.reason_code.code == "LIMIT_AMOUNT"
    assert [(r["code"], r["amount"]) for r in item.reductions] == [("LIMIT_AMOUNT", 150_000), ("COPAY", 30_000)]


def test_approving_at_the_proposal_is_a_partial_approval_that_counts_as_used(
    claim, officer, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim_start_review(claim=claim, officer=officer)
    with time_machine.travel(at(2025, 3, 20, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        claim_decide(claim=claim, officer=officer, decision="approve", note="Sesuai polis.")
    claim.refresh_from_db()
    assert claim.status == S.PARTLY_APPROVED
    assert (claim.amount_claimed, claim.amount_approved) == (300_000, 120_000)
    assert claim.decided_by == officer
    assert claim.decided_at == at(2025, 3, 20, 10)
    assert claim.items.get().amount_approved == 120_000
    assert timeline(claim)[-1] == (S.IN_REVIEW, S.PARTLY_APPROVED, officer.pk)
    # The benefits page now shows 120.000 used of the outpatient item.
    usage = benefit_usage_for_member(
        member=claim.member, on_date=datetime.date(2025, 3, 31), benefit_type=BenefitType.OUTPATIENT
    )[0]
    assert usage.used_amount == 120_000
    # The member heard of each move by e-mail.
    assert Message.objects.filter(template="claim_status", recipient=member.email).count() == 2


def test_officer_adjustment_needs_a_reason_and_full_approval_is_approved(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    with pytest.raises(ReviewError) as error:
        claim_decide(claim=claim, officer=officer, decision="approve", adjustments={item.pk: Adjustment(100_000)})
    assert "reason" in error.value.message
    with pytest.raises(ReviewError):
        claim_decide(
            claim=claim, officer=officer, decision="approve", adjustments={item.pk: Adjustment(300_001, "OTHER")}
        )
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
    assert claim.items.get().amount_approved is None

    claim_decide(
        claim=claim,
        officer=officer,
        decision="approve",
        adjustments={item.pk: Adjustment(300_000, "OFFICER_ADJUSTMENT", "Dokter spesialis, disetujui direksi.")},
    )
    claim.refresh_from_db()
    item.refresh_from_db()
    assert claim.status == S.APPROVED
    assert (item.amount_approved, item.officer_adjusted, item.reason_code.code) == (300_000, True, "OFFICER_ADJUSTMENT")
    assert item.reason_note == "Dokter spesialis, disetujui direksi."


def test_partial_approval_with_an_adjusted_amount(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    claim_decide(
        claim=claim,
        officer=officer,
        decision="approve",
        adjustments={item.pk: Adjustment(90_000, "DOCS_INCOMPLETE", "Kuitansi obat tidak terbaca.")},
    )
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == (S.PARTLY_APPROVED, 90_000)


def test_rejection_needs_a_reason_from_the_claims_list(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    for code in ("", "COPAY", "NO_SUCH_CODE"):  # COPAY is for items only
        with pytest.raises(ReviewError):
            claim_decide(claim=claim, officer=officer, decision="reject", reason_code=code)
    claim_decide(claim=claim, officer=officer, decision="reject", reason_code="LATE_SUBMISSION", note="75 hari.")
    claim.refresh_from_db()
    assert claim.status == S.REJECTED
    assert (claim.amount_approved, claim.rejection_reason_code.code, claim.decision_note) == (
        0,
        "LATE_SUBMISSION",
        "75 hari.",
    )


def test_nothing_approved_must_be_a_rejection(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    with pytest.raises(ReviewError):
        claim_decide(claim=claim, officer=officer, decision="approve", adjustments={item.pk: Adjustment(0, "OTHER")})


def test_illegal_moves_are_refused_and_change_nothing(claim, officer):
    with pytest.raises(IllegalTransition):
        claim_decide(claim=claim, officer=officer, decision="approve")  # not in review yet
    with pytest.raises(IllegalTransition):
        claim_mark_paid(claim=claim, officer=officer, reference="TRF1")
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    assert claim.items.get().amount_approved is None
    rejected = ClaimFactory(status=S.REJECTED)
    with pytest.raises(IllegalTransition):
        claim_mark_paid(claim=rejected, officer=officer, reference="TRF1")
    with pytest.raises(IllegalTransition):
        claim_request_documents(claim=rejected, officer=officer, message="KTP")
    with pytest.raises(IllegalTransition):
        claim_start_review(claim=ClaimFactory(status=S.PAID), officer=officer)
    assert not DocumentRequest.objects.exists()


def test_request_documents_with_a_message(claim, officer, member, django_capture_on_commit_callbacks):
    claim_start_review(claim=claim, officer=officer)
    with pytest.raises(ReviewError):
        claim_request_documents(claim=claim, officer=officer, message="  ")
    with django_capture_on_commit_callbacks(execute=True):
        request = claim_request_documents(claim=claim, officer=officer, message="Mohon unggah hasil laboratorium.")
    claim.refresh_from_db()
    assert claim.status == S.DOCUMENTS_REQUESTED
    assert (request.requested_by, request.message) == (officer, "Mohon unggah hasil laboratorium.")
    change = ClaimStatusChange.objects.filter(claim=claim).order_by("id").last()
    assert (change.new_status, change.actor, change.note) == (
        S.DOCUMENTS_REQUESTED,
        officer,
        "Mohon unggah hasil laboratorium.",
    )
    assert "Mohon unggah hasil laboratorium." in Message.objects.filter(recipient=member.email).last().body


def test_mark_paid_records_the_transfer(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    claim_decide(claim=claim, officer=officer, decision="approve")
    with pytest.raises(ReviewError):
        claim_mark_paid(claim=claim, officer=officer, reference=" ")
    with pytest.raises(ReviewError) as error:
        claim_mark_paid(claim=claim, officer=officer, reference="TRF-001", amount=100_000)
    assert "Rp 120.000" in error.value.message
    with time_machine.travel(at(2025, 3, 25, 14), tick=False):
        claim_mark_paid(claim=claim, officer=officer, reference="TRF-001")
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid, claim.payment_reference) == (S.PAID, 120_000, "TRF-001")
    assert claim.paid_at == at(2025, 3, 25, 14)
    assert timeline(claim)[-1] == (S.PARTLY_APPROVED, S.PAID, officer.pk)


# --- who may act ----------------------------------------------------------------------------


def test_an_officer_cannot_handle_a_claim_they_submitted(claim, officer):
    claim.submitted_by = officer
    claim.save(update_fields=["submitted_by"])
    with pytest.raises(PermissionDenied, match="You submitted this claim"):
        claim_start_review(claim=claim, officer=officer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_an_officer_cannot_approve_their_own_or_their_familys_claim(officer):
    own = MemberFactory()
    PolicyLinkFactory(user=officer, member=own)
    child = MemberFactory(child_of=own)
    for participant in (own, child):
        claim = ClaimFactory(member=participant, status=S.IN_REVIEW, submitted_by=None)
        with pytest.raises(PermissionDenied, match="for you or a member of your family"):
            claim_decide(claim=claim, officer=officer, decision="approve")
        claim.refresh_from_db()
        assert claim.status == S.IN_REVIEW
    # A colleague may.
    claim_decide(claim=claim, officer=StaffUserFactory(), decision="approve")


# --- appeal ---------------------------------------------------------------------------------


@pytest.fixture
def partly_approved(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    with time_machine.travel(at(2025, 3, 20, 10), tick=False):
        claim_decide(claim=claim, officer=officer, decision="approve")
    return claim


def test_appeal_once_to_another_officer_due_in_20_working_days(partly_approved, officer, member):
    claim = partly_approved
    with time_machine.travel(at(2025, 3, 26, 9), tick=False):
        claim_appeal(claim=claim, user=member, reason="Tagihan dokter spesialis, bukan umum.")
    claim.refresh_from_db()
    assert (claim.status, claim.is_appeal, claim.appeal_count) == (S.APPEALED, True, 1)
    assert claim.appeal_note == "Tagihan dokter spesialis, bukan umum."
    # From Wednesday 26 March 2025, 20 working days skip the weekends and the holidays of the
    # table: 28 March (cuti bersama Nyepi), 31 March - 4 April and 7 April (Idul Fitri and
    # cuti bersama), 18 April (Good Friday), 1 May (Labour Day):
    # 27 Mar (1), 8-11 Apr (2-5), 14-17 Apr (6-9), 21-25 Apr (10-14), 28-30 Apr (15-17),
    # 2 May (18), 5 May (19), 6 May (20).
    assert claim.decision_due_date == datetime.date(2025, 5, 6)
    assert claim.amount_approved == 120_000  # the approval stands meanwhile

    with pytest.raises(PermissionDenied, match="before the appeal"):
        claim_start_review(claim=claim, officer=officer)
    colleague = StaffUserFactory()
    claim_start_review(claim=claim, officer=colleague)
    item = claim.items.get()
    claim_decide(
        claim=claim, officer=colleague, decision="approve", adjustments={item.pk: Adjustment(250_000, "OTHER")}
    )
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.decided_by) == (S.PARTLY_APPROVED, 250_000, colleague)
    with pytest.raises(ReviewError, match="already appealed once"):
        claim_appeal(claim=claim, user=member, reason="Lagi.")


def test_appeal_is_for_rejections_and_partial_approvals_only(claim, officer, member):
    claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    claim_decide(claim=claim, officer=officer, decision="approve", adjustments={item.pk: Adjustment(300_000, "OTHER")})
    with pytest.raises(ReviewError, match="Only a rejection or a partial approval"):
        claim_appeal(claim=claim, user=member, reason="?")
    assert ClaimFactory(status=S.IN_REVIEW).status == S.IN_REVIEW


def test_appeal_needs_a_reason_the_owner_and_the_time_limit(partly_approved, member):
    claim = partly_approved
    with time_machine.travel(at(2025, 4, 19, 10), tick=False):
        assert appeal_open(claim)
    with time_machine.travel(at(2025, 4, 19, 10, 1), tick=False):
        assert not appeal_open(claim)
    with pytest.raises(ReviewError):
        claim_appeal(claim=claim, user=member, reason="")
    stranger = member_user()
    with pytest.raises(PermissionDenied):
        claim_appeal(claim=claim, user=stranger, reason="Saya tidak setuju.")
    # Decided on 20 March: the window of 30 days ends on 19 April at 10:00.
    with time_machine.travel(at(2025, 4, 19, 10, 1), tick=False), pytest.raises(ReviewError, match="within 30 days"):
        claim_appeal(claim=claim, user=member, reason="Saya tidak setuju.")
    claim.refresh_from_db()
    assert (claim.status, claim.appeal_count) == (S.PARTLY_APPROVED, 0)


def test_a_paid_partial_approval_can_be_appealed_and_the_difference_paid(partly_approved, officer, member):
    claim = partly_approved
    with time_machine.travel(at(2025, 3, 21, 10), tick=False):
        claim_mark_paid(claim=claim, officer=officer, reference="TRF-1")
    with time_machine.travel(at(2025, 3, 26, 9), tick=False):
        claim_appeal(claim=claim, user=member, reason="Mohon ditinjau.")
    colleague = StaffUserFactory()
    claim_start_review(claim=claim, officer=colleague)
    item = claim.items.get()
    with pytest.raises(ReviewError, match="already paid"):
        claim_decide(claim=claim, officer=colleague, decision="reject", reason_code="OTHER")
    claim_decide(
        claim=claim, officer=colleague, decision="approve", adjustments={item.pk: Adjustment(200_000, "OTHER")}
    )
    # 200.000 approved, 120.000 paid before: 80.000 to pay.
    claim_mark_paid(claim=claim, officer=colleague, reference="TRF-2", amount=80_000)
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid, claim.payment_reference) == (S.PAID, 200_000, "TRF-2")


def test_an_appeal_that_changes_nothing_leaves_the_paid_claim_paid(partly_approved, officer, member):
    claim = partly_approved
    claim_mark_paid(claim=claim, officer=officer, reference="TRF-1")
    with time_machine.travel(at(2025, 3, 26, 9), tick=False):
        claim_appeal(claim=claim, user=member, reason="Mohon ditinjau.")
    colleague = StaffUserFactory()
    claim_start_review(claim=claim, officer=colleague)
    claim_decide(claim=claim, officer=colleague, decision="approve", note="Keputusan awal sudah sesuai polis.")
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid) == (S.PAID, 120_000)

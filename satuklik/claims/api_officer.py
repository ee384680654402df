"""/api/v1/officer/claims/: the claims officers' endpoints (staff with the Claims officer
permissions; a bearer token or the back-office session). The same services and selectors
as the back office pages (views_backoffice.py).

Errors: 401 not logged in; 403 not a claims officer, or not allowed on this claim (their
own, their family's, an appeal of their own decision); 404 unknown claim; 409 the claim's
status does not allow the action; 422 bad input (code + translated message + field).
"""

import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import AfterValidator

from satuklik.accounts.auth import member_auth
from satuklik.accounts.decorators import has_staff_permission, second_factor_verified
from satuklik.claims import review
from satuklik.claims.adjudication import describe_reduction
from satuklik.claims.selectors_officer import QueueFilters, claim_get_for_officer, claim_queue, claims_with_joins
from satuklik.claims.services import payee_warning
from satuklik.core.api_errors import ApiError, errors

router = Router(tags=["claims (officers)"], auth=member_auth)

REVIEW = "claims.review_claim"
APPROVE = "claims.approve_claim"
PAY = "claims.pay_claim"


def _no_control_characters(value: str) -> str:
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]


# 401 not signed in; 403 not_officer, second_factor_required or not_allowed; 422 bad input.
ERRORS = errors(401, 403, 422)
# ... and for one claim: 404 unknown claim; 409 illegal_transition (its status does not allow it).
CLAIM_ERRORS = {**ERRORS, **errors(404, 409)}
# ... and one with a body also answers 400 when the body is not JSON (or multipart) at all.
BODY_ERRORS = {**CLAIM_ERRORS, **errors(400)}


class QueueIn(Schema):
    status: str = Field("todo", description='"todo" (submitted, in review, appealed), "to_pay", "all" or one status')
    overdue: bool = False
    duplicate: bool = Field(False, description="Only claims flagged as likely duplicates")
    min_age_days: int | None = Field(None, ge=0, description="Submitted at least this many days ago")
    amount_min: int | None = Field(None, ge=0)
    amount_max: int | None = Field(None, ge=0)
    mine: bool = Field(False, description="Only claims assigned to me")
    q: Text = Field("", max_length=100, description="Claim number, participant number or name")
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


class QueueRowOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    benefit_type: str
    participant_name: str
    participant_number: str
    treatment_date: datetime.date
    submitted_at: datetime.datetime | None
    decision_due_date: datetime.date | None
    overdue: bool
    likely_duplicate_of: str | None
    is_appeal: bool
    amount_claimed: int
    amount_approved: int | None
    assigned_officer: str | None


class QueueOut(Schema):
    count: int
    items: list[QueueRowOut]


class ReductionOut(Schema):
    code: str
    amount: int
    text: str


class ItemOut(Schema):
    id: int
    benefit_item_code: str
    benefit_item_name: str
    quantity: int
    amount_claimed: int
    amount_proposed: int | None
    amount_approved: int | None
    reason_code: str | None
    reason_note: str
    officer_adjusted: bool
    reductions: list[ReductionOut]


class OfficerDocumentOut(Schema):
    id: int
    name: str
    requirement: str | None
    content_type: str
    size: int
    uploaded_at: datetime.datetime
    url: str = Field(description="Shown inline to staff")


class ChangeOut(Schema):
    old_status: str
    new_status: str
    at: datetime.datetime
    actor: str | None
    note: str


class OfficerDocumentRequestOut(Schema):
    message: str
    requested_at: datetime.datetime
    fulfilled_at: datetime.datetime | None


class OfficerClaimOut(QueueRowOut):
    policy_number: str
    admission_date: datetime.date | None
    discharge_date: datetime.date | None
    provider_name: str
    diagnosis: str
    bank_code: str
    bank_account_masked: str
    bank_account_holder: str
    payee_warning: str  # the holder is not the principal (services.payee_warning); "" when it is
    amount_paid: int | None
    decided_at: datetime.datetime | None
    decided_by: str | None
    rejection_reason_code: str | None
    decision_note: str
    paid_at: datetime.datetime | None
    payment_reference: str
    appeal_note: str
    conflict: str | None = Field(None, description="Why you may not act on this claim, if so")
    items: list[ItemOut]
    documents: list[OfficerDocumentOut]
    document_requests: list[OfficerDocumentRequestOut]
    timeline: list[ChangeOut]
    letter_url: str | None


class RequestDocumentsIn(Schema):
    message: Text = Field(..., max_length=2000)


class ItemDecisionIn(Schema):
    id: int
    amount: int = Field(..., ge=0)
    reason_code: Text = Field("", max_length=32)
    note: Text = Field("", max_length=500)


class DecideIn(Schema):
    decision: Literal["approve", "reject"]
    items: list[ItemDecisionIn] = Field(default_factory=list, description="Adjusted items; others at the proposal")
    reason_code: Text = Field("", max_length=32, description="Rejection: a reason code for claims")
    note: Text = Field("", max_length=2000)


class MarkPaidIn(Schema):
    reference: Text = Field(..., max_length=64)
    amount: int | None = Field(None, ge=0, description="Defaults to the approved amount still unpaid")


class PaymentLineOut(Schema):
    line: int
    number: str
    amount: int | None
    reference: str
    problem: str


class PaymentsOut(Schema):
    paid: list[PaymentLineOut]
    unmatched: list[PaymentLineOut]
    invalid: list[PaymentLineOut]
    total_paid: int


# --- helpers --------------------------------------------------------------------------------


def _require(request: HttpRequest, permission: str):
    if not has_staff_permission(request.user, permission):
        raise ApiError(403, "not_officer", _("Claims officers only."))
    if not second_factor_verified(request):
        raise ApiError(
            403,
            "second_factor_required",
            _("Sign in with your authenticator code to use staff functions (otp_code at login)."),
        )


def _row(claim) -> dict:
    return {
        "id": claim.pk,
        "number": claim.number,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "benefit_type": claim.benefit_type,
        "participant_name": claim.member.full_name,
        "participant_number": claim.member.participant_number,
        "treatment_date": claim.treatment_date,
        "submitted_at": claim.submitted_at,
        "decision_due_date": claim.decision_due_date,
        "overdue": claim.is_overdue,
        "likely_duplicate_of": claim.duplicate_of.number if claim.duplicate_of_id else None,
        "is_appeal": claim.is_appeal,
        "amount_claimed": claim.amount_claimed,
        "amount_approved": claim.amount_approved,
        "assigned_officer": claim.assigned_officer.get_username() if claim.assigned_officer_id else None,
    }


def _detail(request, claim_id: int) -> dict:
    claim = claim_get_for_officer(claim_id=claim_id)
    items = [
        {
            "id": item.pk,
            "benefit_item_code": item.benefit_item.code,
            "benefit_item_name": item.benefit_item.name,
            "quantity": item.quantity,
            "amount_claimed": item.amount_claimed,
            "amount_proposed": item.amount_proposed,
            "amount_approved": item.amount_approved,
            "reason_code": item.reason_code.code if item.reason_code_id else None,
            "reason_note": item.reason_note,
            "officer_adjusted": item.officer_adjusted,
            "reductions": [
                {"code": r["code"], "amount": r["amount"], "text": describe_reduction(r)} for r in item.reductions
            ],
        }
        for item in claim.items.all()
    ]
    return {
        **_row(claim),
        "policy_number": claim.member.policy.number,
        "admission_date": claim.admission_date,
        "discharge_date": claim.discharge_date,
        "provider_name": claim.provider_name,
        "diagnosis": claim.diagnosis,
        "bank_code": claim.bank_code,
        "bank_account_masked": claim.bank_account_masked,
        "bank_account_holder": claim.bank_account_holder,
        "payee_warning": payee_warning(claim),
        "amount_paid": claim.amount_paid,
        "decided_at": claim.decided_at,
        "decided_by": claim.decided_by.get_username() if claim.decided_by_id else None,
        "rejection_reason_code": claim.rejection_reason_code.code if claim.rejection_reason_code_id else None,
        "decision_note": claim.decision_note,
        "paid_at": claim.paid_at,
        "payment_reference": claim.payment_reference,
        "appeal_note": claim.appeal_note,
        "conflict": review.officer_conflict(officer=request.user, claim=claim),
        "items": items,
        "documents": [
            {
                "id": doc.pk,
                "name": doc.original_name,
                "requirement": doc.requirement.name if doc.requirement_id else None,
                "content_type": doc.content_type,
                "size": doc.size,
                "uploaded_at": doc.uploaded_at,
                "url": reverse("claims-backoffice:document", args=[doc.pk]),
            }
            for doc in claim.documents.all()
        ],
        "document_requests": [
            {"message": r.message, "requested_at": r.requested_at, "fulfilled_at": r.fulfilled_at}
            for r in claim.document_requests.all()
        ],
        "timeline": [
            {
                "old_status": change.old_status,
                "new_status": change.new_status,
                "at": change.at,
                "actor": change.actor.get_username() if change.actor_id else None,
                "note": change.note,
            }
            for change in claim.status_changes.all()
        ],
        "letter_url": reverse("claims-backoffice:letter", args=[claim.pk]) if claim.decided_at else None,
    }


def _claim(claim_id):
    return claim_get_for_officer(claim_id=claim_id)


# --- endpoints ------------------------------------------------------------------------------


@router.get("/", response={200: QueueOut, **ERRORS}, summary="The work queue, the earliest due first")
def queue(request, filters: Query[QueueIn]):
    _require(request, REVIEW)
    queryset = claim_queue(
        officer=request.user,
        filters=QueueFilters(
            status=filters.status,
            overdue=filters.overdue,
            duplicate=filters.duplicate,
            min_age_days=filters.min_age_days,
            amount_min=filters.amount_min,
            amount_max=filters.amount_max,
            assigned_to_me=filters.mine,
            search=filters.q,
        ),
    )
    ids = list(queryset.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [_row(claim) for claim in claims_with_joins(ids)]}


@router.get(
    "/{int:claim_id}",
    response={200: OfficerClaimOut, **CLAIM_ERRORS},
    summary="A claim with items, proposal, documents, history",
)
def detail(request, claim_id: int):
    _require(request, REVIEW)
    return _detail(request, claim_id)


@router.post(
    "/{int:claim_id}/start-review",
    response={200: OfficerClaimOut, **CLAIM_ERRORS},
    summary="Take the claim and propose",
)
def start_review(request, claim_id: int):
    _require(request, REVIEW)
    claim = _claim(claim_id)
    review.claim_start_review(claim=claim, officer=request.user)
    return _detail(request, claim_id)


@router.post(
    "/{int:claim_id}/propose", response={200: OfficerClaimOut, **CLAIM_ERRORS}, summary="Compute the proposal again"
)
def propose(request, claim_id: int):
    _require(request, REVIEW)
    claim = _claim(claim_id)
    if claim.status != review.S.IN_REVIEW:
        raise ApiError(409, "illegal_transition", _("Only a claim in review gets a new proposal."))
    conflict = review.officer_conflict(officer=request.user, claim=claim)
    if conflict:
        raise ApiError(403, "not_allowed", conflict)
    review.claim_propose(claim=claim, actor=request.user)
    return _detail(request, claim_id)


@router.post(
    "/{int:claim_id}/request-documents",
    response={200: OfficerClaimOut, **BODY_ERRORS},
    summary="Ask the member for documents",
)
def request_documents(request, claim_id: int, payload: RequestDocumentsIn):
    _require(request, REVIEW)
    claim = _claim(claim_id)
    review.claim_request_documents(claim=claim, officer=request.user, message=payload.message)
    return _detail(request, claim_id)


@router.post(
    "/{int:claim_id}/decide",
    response={200: OfficerClaimOut, **BODY_ERRORS},
    summary="Approve (fully or partly) or reject",
)
def decide(request, claim_id: int, payload: DecideIn):
    _require(request, APPROVE)
    claim = _claim(claim_id)
    adjustments = {
        item.id: review.Adjustment(amount=item.amount, reason_code=item.reason_code, note=item.note)
        for item in payload.items
    }
    review.claim_decide(
        claim=claim,
        officer=request.user,
        decision=payload.decision,
        adjustments=adjustments,
        reason_code=payload.reason_code,
        note=payload.note,
    )
    return _detail(request, claim_id)


@router.post(
    "/{int:claim_id}/mark-paid", response={200: OfficerClaimOut, **BODY_ERRORS}, summary="Record the bank transfer"
)
def mark_paid(request, claim_id: int, payload: MarkPaidIn):
    _require(request, PAY)
    claim = _claim(claim_id)
    review.claim_mark_paid(claim=claim, officer=request.user, reference=payload.reference, amount=payload.amount)
    return _detail(request, claim_id)


@router.post(
    "/payments", response={200: PaymentsOut, **ERRORS, **errors(400)}, summary="Mark paid from the bank's CSV file"
)
def payments(request, file: File[UploadedFile]):
    _require(request, PAY)
    if file.size > review.MAX_PAYMENT_FILE_BYTES:
        raise ApiError(422, "invalid", _("The file is too large (2 MB at most)."), field="file")
    report = review.payments_import_csv(data=file.read(), officer=request.user)

    def lines(bucket):
        return [
            {"line": x.line, "number": x.number, "amount": x.amount, "reference": x.reference, "problem": x.problem}
            for x in bucket
        ]

    return {
        "paid": lines(report.paid),
        "unmatched": lines(report.unmatched),
        "invalid": lines(report.invalid),
        "total_paid": report.total_paid,
    }

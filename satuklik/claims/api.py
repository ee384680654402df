"""/api/v1/claims: the member's eClaim endpoints (the officers' are in api_officer.py).

The same services as the web pages. Every claim and document is scoped to the member:
another member's id answers 404. Creating and submitting take an `Idempotency-Key`
header (required to create): a retry with the same key and body gets the first answer
again, with another body 422 (see satuklik.claims.idempotency).

A claim is built as a draft: POST /claims (participant, type and, optionally, the
details and bank account), PUT /claims/{id} (details), PUT /claims/{id}/bank-account,
POST /claims/{id}/documents (multipart), then POST /claims/{id}/submit. Or in one
request: POST /claims/complete (multipart: a `data` JSON field and one file field per
document, named by its requirement code), all or nothing.
"""

import datetime
import json
import math
from typing import Annotated

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, ValidationError

from satuklik.accounts import otp
from satuklik.accounts.auth import member_auth
from satuklik.accounts.decorators import staff_capable
from satuklik.claims import documents, selectors, services
from satuklik.claims.banks import bank_choices, bank_name
from satuklik.claims.idempotency import fingerprint, run_once
from satuklik.claims.models import Claim, mask_account_number
from satuklik.claims.workflow import STATUS_EXPLANATIONS
from satuklik.core.api_errors import ApiError, errors
from satuklik.policies.models import BenefitType

router = Router(tags=["claims"], auth=member_auth)
S = Claim.Status

IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "schema": {"type": "string", "maxLength": 255},
    "description": "A unique string per intended request (e.g. a UUID). A retry with the same key and "
    "body returns the first response; the same key with another body answers 422.",
}


def _no_control_characters(value: str) -> str:
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]


# --- schemas ------------------------------------------------------------------------------


class ItemIn(Schema):
    benefit_item_id: int
    amount: int = Field(gt=0, le=services.MAX_ITEM_AMOUNT, description="Rupiah")
    quantity: int = Field(1, ge=1, le=services.MAX_DAYS, description="Days of a per-day item, else times")


class DetailsIn(Schema):
    treatment_date: datetime.date | None = Field(None, description="Outpatient, dental, optical, maternity")
    admission_date: datetime.date | None = Field(None, description="Inpatient")
    discharge_date: datetime.date | None = Field(None, description="Inpatient")
    provider_code: Annotated[Text, Field(max_length=32)] = Field("", description="A partner provider's code")
    provider_name: Annotated[Text, Field(max_length=200)] = Field("", description="Or the name as typed")
    diagnosis: Annotated[Text, Field(max_length=500)] = ""
    items: list[ItemIn] = Field(max_length=50)


class BankIn(Schema):
    bank_code: Annotated[Text, Field(max_length=16)]
    account_number: Annotated[Text, Field(max_length=34)]
    holder: Annotated[Text, Field(max_length=200)]


class ClaimCreateIn(Schema):
    member_id: int = Field(description="The participant: the member or a dependent (GET /claims/participants)")
    benefit_type: BenefitType
    details: DetailsIn | None = None
    bank_account: BankIn | None = None


class BankCodeIn(BankIn):
    pass


class BankVerifyIn(BankIn):
    challenge_id: Annotated[Text, Field(max_length=64)]
    flow_key: Annotated[Text, Field(min_length=1, max_length=100)]
    code: Annotated[Text, Field(max_length=12)]


class BankCodeOut(Schema):
    challenge_id: str
    flow_key: str = Field(description="Send it back with the code; keep it secret")
    channel: str
    destination: str
    expires_in: int


class BankAccountOut(Schema):
    bank_code: str
    bank_name: str
    account_number_masked: str
    holder: str
    last_used: bool
    last_used_at: datetime.datetime | None
    verified_at: datetime.datetime | None


class BanksOut(Schema):
    banks: list[dict[str, str]]
    accounts: list[BankAccountOut]


class ClaimBenefitItemOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    limit_amount: int | None
    limit_period: str
    per_day: bool


class ParticipantOut(Schema):
    id: int
    participant_number: str
    full_name: str
    relation: str
    benefit_types: list[str]
    benefit_items: dict[str, list[ClaimBenefitItemOut]]


class ClaimItemOut(Schema):
    id: int
    benefit_item_id: int
    benefit_item_code: str
    name: str
    quantity: int
    amount_claimed: int
    amount_approved: int | None
    reason_code: str | None
    reason: str | None


class DocumentOut(Schema):
    id: int
    requirement_code: str | None
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime
    download_url: str


class StatusChangeOut(Schema):
    old_status: str
    new_status: str
    new_status_label: str
    note: str
    at: datetime.datetime


class DocumentRequestOut(Schema):
    message: str
    requested_at: datetime.datetime
    fulfilled_at: datetime.datetime | None


class RequirementOut(Schema):
    code: str
    name: str
    required: bool
    uploaded: bool


class ClaimSummaryOut(Schema):
    id: int
    number: str | None = Field(description="Empty while a draft")
    status: str
    status_label: str
    member_id: int
    participant_name: str
    benefit_type: str
    treatment_date: datetime.date
    amount_claimed: int
    amount_approved: int | None
    amount_paid: int | None
    submitted_at: datetime.datetime | None
    decision_due_date: datetime.date | None


class ClaimOut(ClaimSummaryOut):
    status_explanation: str
    admission_date: datetime.date | None
    discharge_date: datetime.date | None
    provider_code: str | None
    provider_name: str
    diagnosis: str
    bank_code: str
    bank_name: str
    bank_account_masked: str
    bank_account_holder: str
    payee_warning: str = Field(
        description="Translated warning when the account holder is not the policy's principal; empty when it is"
    )
    likely_duplicate: bool
    decision_note: str
    rejection_reason: str | None
    appeal_count: int
    items: list[ClaimItemOut]
    documents: list[DocumentOut]
    checklist: list[RequirementOut]
    timeline: list[StatusChangeOut]
    document_requests: list[DocumentRequestOut]


class ClaimPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ClaimSummaryOut]


class EstimateItemOut(Schema):
    benefit_item_id: int
    amount_claimed: int
    amount_payable: int
    member_share: int
    reasons: list[str]


class EstimateOut(Schema):
    amount_claimed: int
    amount_payable: int
    member_share: int
    items: list[EstimateItemOut]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class AppealIn(Schema):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)]


# Every claims endpoint needs a session or a token (401); bad input is 422.
ERRORS = errors(401, 422)
# ... and one with a body also answers 400 when the body is not JSON (or multipart) at all.
BODY_ERRORS = {**ERRORS, **errors(400)}


# --- helpers ------------------------------------------------------------------------------


def _summary(claim) -> dict:
    return {
        "id": claim.pk,
        "number": None if claim.status == S.DRAFT else claim.number,
        "status": claim.status,
        "status_label": str(claim.get_status_display()),
        "member_id": claim.member_id,
        "participant_name": claim.member.full_name,
        "benefit_type": claim.benefit_type,
        "treatment_date": claim.treatment_date,
        "amount_claimed": claim.amount_claimed,
        "amount_approved": claim.amount_approved,
        "amount_paid": claim.amount_paid,
        "submitted_at": claim.submitted_at,
        "decision_due_date": claim.decision_due_date,
    }


def _detail(claim) -> dict:
    """The claim as ClaimOut (JSON-ready: stored as the replayed body of idempotent calls)."""
    checklist, _others = selectors.checklist_for(claim=claim)
    body = {
        **_summary(claim),
        "status_explanation": str(STATUS_EXPLANATIONS.get(claim.status, "")),
        "admission_date": claim.admission_date,
        "discharge_date": claim.discharge_date,
        "provider_code": claim.provider.code if claim.provider_id else None,
        "provider_name": claim.provider_name,
        "diagnosis": claim.diagnosis,
        "bank_code": claim.bank_code,
        "bank_name": bank_name(claim.bank_code) if claim.bank_code else "",
        "bank_account_masked": mask_account_number(claim.bank_account_number),
        "bank_account_holder": claim.bank_account_holder,
        "payee_warning": services.payee_warning(claim),
        "likely_duplicate": claim.duplicate_of_id is not None,
        "decision_note": claim.decision_note,
        "rejection_reason": claim.rejection_reason_code.text if claim.rejection_reason_code_id else None,
        "appeal_count": claim.appeal_count,
        "items": [
            {
                "id": item.pk,
                "benefit_item_id": item.benefit_item_id,
                "benefit_item_code": item.benefit_item.code,
                "name": item.benefit_item.name,
                "quantity": item.quantity,
                "amount_claimed": item.amount_claimed,
                "amount_approved": item.amount_approved,
                "reason_code": item.reason_code.code
                if item.reason_code_id and item.amount_approved is not None
                else None,
                "reason": item.reason_code.text if item.reason_code_id and item.amount_approved is not None else None,
            }
            for item in claim.items.all()
        ],
        "documents": [_document(document) for document in claim.documents.all()],
        "checklist": [
            {
                "code": row["requirement"].code,
                "name": row["requirement"].name,
                "required": row["requirement"].required,
                "uploaded": row["done"],
            }
            for row in checklist
        ],
        "timeline": [
            {
                "old_status": change.old_status,
                "new_status": change.new_status,
                "new_status_label": str(change.get_new_status_display()),
                "note": change.note,
                "at": change.at,
            }
            for change in claim.status_changes.all()
        ],
        "document_requests": [
            {"message": row.message, "requested_at": row.requested_at, "fulfilled_at": row.fulfilled_at}
            for row in claim.document_requests.all()
        ],
    }
    return json.loads(ClaimOut(**body).model_dump_json())


def _document(document) -> dict:
    return {
        "id": document.pk,
        "requirement_code": document.requirement.code if document.requirement_id else None,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
        "download_url": reverse("api:claims_document_download", args=[document.pk]),
    }


def _fresh(request, claim_id) -> dict:
    return _detail(selectors.claim_get_for_member(user=request.user, claim_id=claim_id))


def _provider(code):
    if not code:
        return None
    from satuklik.providers.models import Provider

    provider = Provider.objects.filter(code=code, active=True).first()
    if provider is None:
        raise services.ClaimError(
            _("No partner provider has the code %(code)s.") % {"code": code}, code="unknown_provider", field="provider"
        )
    return provider


def _details_kwargs(details: DetailsIn) -> dict:
    return {
        "treatment_date": details.treatment_date,
        "admission_date": details.admission_date,
        "discharge_date": details.discharge_date,
        "provider": _provider(details.provider_code),
        "provider_name": details.provider_name,
        "diagnosis": details.diagnosis,
        "items": [
            {"benefit_item": row.benefit_item_id, "amount": row.amount, "quantity": row.quantity}
            for row in details.items
        ],
    }


def _draft_for(request, claim_id):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    if claim.status != S.DRAFT:
        raise services.AlreadySubmitted(claim)
    return claim


# --- reference data ------------------------------------------------------------------------


@router.get(
    "/participants",
    response={200: list[ParticipantOut], **ERRORS},
    summary="Who the member can claim for, and their plan",
)
def participants(request):
    result = []
    people = selectors.participants_for_claim(user=request.user)
    items_by_plan = selectors.benefit_items_by_plan(plan_ids={person.plan_id for person in people})
    for person in people:
        by_type = items_by_plan.get(person.plan_id, {})
        types = sorted(by_type)
        items = {
            benefit_type: [
                {
                    "id": item.pk,
                    "code": item.code,
                    "name": item.name,
                    "name_en": item.name_en,
                    "limit_amount": item.limit_amount,
                    "limit_period": item.limit_period,
                    "per_day": item.limit_period == "DAY",
                }
                for item in by_type[benefit_type]
            ]
            for benefit_type in types
        }
        result.append(
            {
                "id": person.pk,
                "participant_number": person.participant_number,
                "full_name": person.full_name,
                "relation": person.relation,
                "benefit_types": types,
                "benefit_items": items,
            }
        )
    return result


@router.get(
    "/bank-accounts",
    response={200: BanksOut, **ERRORS},
    summary="Banks to choose from and the member's accounts (masked)",
)
def bank_accounts(request):
    accounts = list(selectors.bank_accounts_for(user=request.user))
    last = selectors.last_bank_account(user=request.user)
    return {
        "banks": [{"code": code, "name": name} for code, name in bank_choices()],
        "accounts": [
            {
                "bank_code": row.bank_code,
                "bank_name": bank_name(row.bank_code),
                "account_number_masked": row.masked,
                "holder": row.holder_name,
                "last_used": last is not None and row.pk == last.pk,
                "last_used_at": row.last_used_at,
                "verified_at": row.verified_at,
            }
            for row in accounts
        ],
    }


@router.post(
    "/bank-accounts/send-code",
    response={200: BankCodeOut, **ERRORS, **errors(400, 429)},
    summary="Send a one-time code confirming a new bank account for claim payments",
)
def bank_send_code(request, payload: BankCodeIn):
    flow_key = otp.new_flow_key()
    challenge = services.bank_code_send(
        user=request.user,
        bank_code=payload.bank_code,
        account_number=payload.account_number,
        holder=payload.holder,
        flow_key=flow_key,
        request=request,
    )
    return {
        "challenge_id": str(challenge.public_id),
        "flow_key": flow_key,
        "channel": challenge.channel,
        "destination": otp.mask_destination(challenge.channel, challenge.destination),
        "expires_in": otp.OTP_TTL_SECONDS,
    }


@router.post(
    "/bank-accounts/verify",
    response={200: BankAccountOut, **ERRORS, **errors(400)},
    summary="Confirm the bank account with the code; a notice goes to the member's e-mail",
)
def bank_verify(request, payload: BankVerifyIn):
    account = services.bank_code_verify(
        user=request.user,
        challenge_id=payload.challenge_id,
        flow_key=payload.flow_key,
        code=payload.code,
        bank_code=payload.bank_code,
        account_number=payload.account_number,
        holder=payload.holder,
        request=request,
    )
    last = selectors.last_bank_account(user=request.user)
    return {
        "bank_code": account.bank_code,
        "bank_name": bank_name(account.bank_code),
        "account_number_masked": account.masked,
        "holder": account.holder_name,
        "last_used": last is not None and last.pk == account.pk,
        "last_used_at": account.last_used_at,
        "verified_at": account.verified_at,
    }


# --- claims ------------------------------------------------------------------------------------


@router.get("", response={200: ClaimPageOut, **ERRORS}, summary="The member's claims (drafts included), newest first")
def claim_list(request, query: Query[PageQuery]):
    paginator = Paginator(selectors.claim_list_for_member(user=request.user), query.page_size)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": max(1, math.ceil(paginator.count / query.page_size)),
        "items": [_summary(claim) for claim in page.object_list],
    }


@router.post(
    "",
    response={201: ClaimOut, **ERRORS, **errors(400, 404, 409)},
    summary="Create a draft claim (Idempotency-Key required)",
    openapi_extra={"parameters": [{**IDEMPOTENCY_HEADER, "required": True}]},
)
def claim_create(request, payload: ClaimCreateIn):
    key = request.headers.get("Idempotency-Key", "")
    member = selectors.participant_get(user=request.user, member_id=payload.member_id)

    def create():
        claim = services.claim_draft_create(user=request.user, member=member, benefit_type=payload.benefit_type)
        if payload.details is not None:
            services.claim_details_update(claim=claim, user=request.user, **_details_kwargs(payload.details))
        if payload.bank_account is not None:
            services.claim_bank_set(claim=claim, user=request.user, **payload.bank_account.dict())
        return 201, _fresh(request, claim.pk), claim

    outcome = run_once(
        user=request.user,
        key=key,
        request_fingerprint=fingerprint("POST", "claims", payload.model_dump(mode="json")),
        action=create,
    )
    return Status(outcome.status, outcome.body)


@router.post(
    "/complete",
    response={201: ClaimOut, **ERRORS, **errors(400, 404, 409)},
    summary="Create and submit a whole claim with its documents in one request, all or nothing",
    description="multipart/form-data: `data` is the JSON of ClaimCreateIn (details and bank_account required); "
    "each document is a file field named by its requirement code (e.g. RECEIPT, PRESCRIPTION), or `files` for "
    "other documents. Idempotency-Key required.",
    openapi_extra={"parameters": [{**IDEMPOTENCY_HEADER, "required": True}]},
)
def claim_create_complete(request, data: Form[str]):
    key = request.headers.get("Idempotency-Key", "")
    try:
        payload = ClaimCreateIn.model_validate_json(data)
    except ValidationError:
        raise ApiError(400, "invalid_data", _("The data field is not a valid claim."), field="data") from None
    if payload.details is None or payload.bank_account is None:
        raise ApiError(
            400, "invalid_data", _("The details and the bank account of the claim are required."), field="data"
        )
    member = selectors.participant_get(user=request.user, member_id=payload.member_id)
    files = [
        (upload, None if field == "files" else field)
        for field in request.FILES
        for upload in request.FILES.getlist(field)
    ]
    file_hashes = sorted((field or "", upload.name, upload.size) for upload, field in files)

    def create():
        claim = services.claim_create_complete(
            user=request.user,
            member=member,
            benefit_type=payload.benefit_type,
            details=_details_kwargs(payload.details),
            bank=payload.bank_account.dict(),
            files=files,
        )
        return 201, _fresh(request, claim.pk), claim

    outcome = run_once(
        user=request.user,
        key=key,
        request_fingerprint=fingerprint("POST", "claims/complete", payload.model_dump(mode="json"), file_hashes),
        action=create,
    )
    return Status(outcome.status, outcome.body)


@router.get("/{int:claim_id}", response={200: ClaimOut, **ERRORS, **errors(404)}, summary="A claim with its timeline")
def claim_detail(request, claim_id: int):
    return _fresh(request, claim_id)


@router.put(
    "/{int:claim_id}",
    response={200: ClaimOut, **BODY_ERRORS, **errors(404, 409)},
    summary="Set a draft's care details and items",
)
def claim_update(request, claim_id: int, payload: DetailsIn):
    claim = _draft_for(request, claim_id)
    services.claim_details_update(claim=claim, user=request.user, **_details_kwargs(payload))
    return _fresh(request, claim_id)


@router.put(
    "/{int:claim_id}/bank-account",
    response={200: ClaimOut, **BODY_ERRORS, **errors(404, 409)},
    summary="Set a draft's bank account (a new one must be confirmed with /bank-accounts/verify before submitting)",
)
def claim_bank(request, claim_id: int, payload: BankIn):
    claim = _draft_for(request, claim_id)
    services.claim_bank_set(claim=claim, user=request.user, **payload.dict())
    return _fresh(request, claim_id)


@router.get(
    "/{int:claim_id}/estimate",
    response={200: EstimateOut, **ERRORS, **errors(404)},
    summary="What the plan would pay",
)
def claim_estimate(request, claim_id: int):
    from satuklik.claims.adjudication import describe_reduction

    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    proposal = selectors.estimate_for(claim=claim)
    if proposal is None:
        return {"amount_claimed": 0, "amount_payable": 0, "member_share": 0, "items": []}
    return {
        "amount_claimed": proposal.amount_claimed,
        "amount_payable": proposal.amount_proposed,
        "member_share": proposal.member_share,
        "items": [
            {
                "benefit_item_id": row.benefit_item.pk,
                "amount_claimed": row.amount_claimed,
                "amount_payable": row.amount_proposed,
                "member_share": row.member_share,
                "reasons": [describe_reduction(reduction) for reduction in row.reductions],
            }
            for row in proposal.items
        ],
    }


@router.post(
    "/{int:claim_id}/documents",
    response={201: list[DocumentOut], **BODY_ERRORS, **errors(404, 409)},
    summary="Upload documents to a draft (multipart: files, requirement code)",
)
def claim_documents(request, claim_id: int, files: File[list[UploadedFile]], requirement: Form[str] = ""):
    claim = _draft_for(request, claim_id)
    added = services.claim_documents_add(claim=claim, user=request.user, uploads=files, requirement=requirement or None)
    return Status(201, [_document(document) for document in added])


@router.delete(
    "/{int:claim_id}/documents/{int:document_id}",
    response={204: None, **ERRORS, **errors(404, 409)},
    summary="Remove a document from a draft",
)
def claim_document_delete(request, claim_id: int, document_id: int):
    claim = _draft_for(request, claim_id)
    services.claim_document_remove(claim=claim, user=request.user, document_id=document_id)
    return Status(204, None)


@router.post(
    "/{int:claim_id}/submit",
    response={200: ClaimOut, **ERRORS, **errors(400, 404, 409)},
    summary="Submit a draft: checks, claim number, notification (Idempotency-Key recommended)",
    openapi_extra={"parameters": [{**IDEMPOTENCY_HEADER, "required": False}]},
)
def claim_submit(request, claim_id: int):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)

    def submit():
        services.claim_submit(claim=claim, user=request.user)
        return 200, _fresh(request, claim.pk), claim

    key = request.headers.get("Idempotency-Key")
    if key is None:
        status, body, _claim = submit()
        return Status(status, body)
    outcome = run_once(
        user=request.user,
        key=key,
        request_fingerprint=fingerprint("POST", "claims/submit", claim.pk),
        action=submit,
    )
    return Status(outcome.status, outcome.body)


@router.post(
    "/{int:claim_id}/requested-documents",
    response={200: ClaimOut, **BODY_ERRORS, **errors(404, 409)},
    summary="Upload the documents an officer asked for (multipart); the claim goes back to review",
)
def claim_requested_documents(request, claim_id: int, files: File[list[UploadedFile]], requirement: Form[str] = ""):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    services.claim_requested_documents_upload(
        claim=claim, user=request.user, uploads=files, requirement=requirement or None
    )
    return _fresh(request, claim_id)


@router.post(
    "/{int:claim_id}/appeal",
    response={200: ClaimOut, **BODY_ERRORS, **errors(403, 404)},
    summary="Appeal a rejection or a partial approval (once)",
)
def claim_appeal(request, claim_id: int, payload: AppealIn):
    from satuklik.claims import review

    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    review.claim_appeal(claim=claim, user=request.user, reason=payload.reason)
    return _fresh(request, claim_id)


@router.get(
    "/documents/{int:document_id}",
    response={200: None, **ERRORS, **errors(404)},
    url_name="claims_document_download",
    summary="Download a document of one of the member's claims (always as an attachment)",
)
def document_download(request, document_id: int):
    document = selectors.document_get_for_download(
        user=request.user, document_id=document_id, as_staff=staff_capable(request, "claims.view_claim")
    )
    return documents.download_response(document)

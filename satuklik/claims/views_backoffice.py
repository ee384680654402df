"""The claims officers' back office: work queue, claim detail with documents and actions,
bulk "mark paid" from the bank's file. Staff with the Claims officer permissions only:
others are sent to log in (anonymous) or get 403 (members, staff without the role).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satuklik.accounts.decorators import staff_required
from satuklik.claims import review
from satuklik.claims.adjudication import describe_reduction
from satuklik.claims.forms_backoffice import (
    DecideForm,
    MarkPaidForm,
    PaymentsUploadForm,
    QueueFilterForm,
    RejectForm,
    RequestDocumentsForm,
)
from satuklik.claims.letters import decision_letter_pdf
from satuklik.claims.selectors_officer import claim_get_for_officer, claim_queue_page, document_get_for_officer
from satuklik.claims.services import payee_warning
from satuklik.claims.workflow import IllegalTransition, claim_recipient

REVIEW = "claims.review_claim"
APPROVE = "claims.approve_claim"
PAY = "claims.pay_claim"
PAGE_SIZE = 50
# Shown in the browser; anything else is downloaded.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def officer_required(permission=REVIEW):
    # Staff with the permission, signed in with their second factor (accounts.decorators).
    return staff_required(permission, refused_message=_("Claims officers only."))


@require_GET
@officer_required()
def queue(request):
    form = QueueFilterForm(request.GET or None)
    page, claims = claim_queue_page(
        officer=request.user, filters=form.filters(), page_number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    today = timezone.localdate()
    rows = [
        {
            "claim": claim,
            "age_days": (today - timezone.localdate(claim.submitted_at)).days if claim.submitted_at else None,
            "overdue": claim.is_overdue,
        }
        for claim in claims
    ]
    return render(request, "claims/backoffice/queue.html", {"form": form, "page": page, "rows": rows})


def _detail_context(request, claim, **forms):
    items = list(claim.items.all())
    user = request.user
    context = {
        "claim": claim,
        "items": [
            {
                "item": item,
                "reductions": [describe_reduction(reduction) for reduction in item.reductions],
            }
            for item in items
        ],
        "documents": list(claim.documents.all()),
        "timeline": list(claim.status_changes.all()),
        "document_requests": list(claim.document_requests.all()),
        "conflict": review.officer_conflict(officer=user, claim=claim),
        "appeal_conflict": claim.is_appeal and claim.decided_by_id == user.pk,
        "can_start": claim.status in (review.S.SUBMITTED, review.S.APPEALED),
        "can_decide": claim.status == review.S.IN_REVIEW and user.has_perm(APPROVE),
        "can_request": claim.status == review.S.IN_REVIEW,
        "can_pay": claim.status in review.PAYABLE and user.has_perm(PAY),
        "has_letter": claim.decided_at is not None,
        "outstanding": (claim.amount_approved or 0) - (claim.amount_paid or 0),
        "request_form": forms.get("request_form") or RequestDocumentsForm(),
        "decide_form": forms.get("decide_form") or DecideForm(items=items),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "pay_form": forms.get("pay_form") or MarkPaidForm(),
        "payee_warning": payee_warning(claim),
    }
    return context


@require_GET
@officer_required()
def detail(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    return render(request, "claims/backoffice/detail.html", _detail_context(request, claim))


def _act(request, claim, action, *, form_name=None, form=None):
    """Run an action; on a refusal show the page again with the message and nothing changed."""
    try:
        action()
    except (review.ReviewError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        return redirect("claims-backoffice:detail", claim_id=claim.pk)
    fresh = claim_get_for_officer(claim_id=claim.pk)
    extra = {form_name: form} if form_name else {}
    return render(request, "claims/backoffice/detail.html", _detail_context(request, fresh, **extra), status=400)


def _invalid(request, claim, form_name, form):
    messages.error(request, _("Please correct the marked fields."))
    context = _detail_context(request, claim, **{form_name: form})
    return render(request, "claims/backoffice/detail.html", context, status=400)


@require_POST
@officer_required()
def start_review(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)

    def action():
        review.claim_start_review(claim=claim, officer=request.user)
        messages.success(request, _("You are reviewing claim %(number)s.") % {"number": claim.number})

    return _act(request, claim, action)


@require_POST
@officer_required()
def request_documents(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    form = RequestDocumentsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, "request_form", form)

    def action():
        review.claim_request_documents(claim=claim, officer=request.user, message=form.cleaned_data["message"])
        messages.success(request, _("The member was asked for the documents."))

    return _act(request, claim, action, form_name="request_form", form=form)


@require_POST
@officer_required(APPROVE)
def approve(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    form = DecideForm(request.POST, items=claim.items.all())
    if not form.is_valid():
        return _invalid(request, claim, "decide_form", form)

    def action():
        decided = review.claim_decide(
            claim=claim,
            officer=request.user,
            decision="approve",
            adjustments=form.adjustments(),
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("Claim %(number)s: %(status)s.") % {"number": decided.number, "status": decided.get_status_display()},
        )

    return _act(request, claim, action, form_name="decide_form", form=form)


@require_POST
@officer_required(APPROVE)
def reject(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, "reject_form", form)

    def action():
        review.claim_decide(
            claim=claim,
            officer=request.user,
            decision="reject",
            reason_code=form.cleaned_data["reason_code"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Claim %(number)s was rejected.") % {"number": claim.number})

    return _act(request, claim, action, form_name="reject_form", form=form)


@require_POST
@officer_required(PAY)
def mark_paid(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    form = MarkPaidForm(request.POST)
    if not form.is_valid():
        return _invalid(request, claim, "pay_form", form)

    def action():
        review.claim_mark_paid(claim=claim, officer=request.user, reference=form.cleaned_data["reference"])
        messages.success(request, _("Claim %(number)s is marked paid.") % {"number": claim.number})

    return _act(request, claim, action, form_name="pay_form", form=form)


@require_GET
@officer_required()
def document(request, document_id):
    """The file, shown in the browser (PDF, JPEG, PNG) for staff; other types are downloaded."""
    doc = document_get_for_officer(document_id=document_id)
    inline = doc.content_type in INLINE_TYPES
    response = FileResponse(
        doc.file.open("rb"),
        content_type=doc.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=doc.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A document is data, never a page that runs scripts in our origin.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@require_GET
@officer_required()
def letter(request, claim_id):
    claim = claim_get_for_officer(claim_id=claim_id)
    if claim.decided_at is None:
        messages.error(request, _("There is no decision on this claim yet."))
        return redirect("claims-backoffice:detail", claim_id=claim.pk)
    recipient = claim_recipient(claim)
    language = request.GET.get("language") or (recipient.preferred_language if recipient else "id")
    pdf = decision_letter_pdf(claim=claim, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{claim.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required(PAY)
def payments_upload(request):
    report = None
    if request.method == "POST":
        form = PaymentsUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > review.MAX_PAYMENT_FILE_BYTES:
                    raise review.ReviewError(_("The file is too large (2 MB at most)."))
                report = review.payments_import_csv(data=upload.read(), officer=request.user)
            except review.ReviewError as exc:
                form.add_error("file", exc.message)
            else:
                if report.paid:
                    messages.success(
                        request,
                        _("%(count)s claims marked paid.") % {"count": len(report.paid)},
                    )
    else:
        form = PaymentsUploadForm()
    return render(
        request,
        "claims/backoffice/payments.html",
        {"form": form, "report": report, "queue_url": reverse("claims-backoffice:queue")},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )

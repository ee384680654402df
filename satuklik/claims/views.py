"""The member's eClaim pages: new claim in steps, claim status list and detail, downloads.

Thin views: reads from satuklik.claims.selectors (scoped to the member, 404 otherwise),
writes through satuklik.claims.services and the workflow. A draft is a Claim in DRAFT:
every step saves to it, so a member who leaves halfway continues later from the list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuklik.accounts import otp
from satuklik.accounts.decorators import staff_capable
from satuklik.claims import documents, forms, letters, selectors, services, working_days
from satuklik.claims.banks import bank_name
from satuklik.claims.documents import ACCEPT, MAX_CLAIM_BYTES, MAX_FILE_BYTES
from satuklik.claims.idempotency import IdempotencyError, fingerprint, run_once
from satuklik.claims.models import Claim
from satuklik.claims.review import appeal_open, cost_share_as_estimated
from satuklik.claims.workflow import STATUS_EXPLANATIONS, WITH_DECISION_LETTER, member_actor_role, member_note
from satuklik.core.money import format_rupiah

S = Claim.Status
PAGE_SIZE = 20
BANK_FLOW_SESSION_KEY = "claims_bank_flow"

STEPS = [
    ("participant", gettext_lazy("Participant")),
    ("details", gettext_lazy("Care details")),
    ("bank", gettext_lazy("Bank account")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Review")),
]


def _steps(current: str, claim=None):
    urls = {
        "participant": None,
        "details": reverse("claims:edit-details", args=[claim.pk]) if claim else None,
        "bank": reverse("claims:edit-bank", args=[claim.pk]) if claim else None,
        "documents": reverse("claims:edit-documents", args=[claim.pk]) if claim else None,
        "review": reverse("claims:review", args=[claim.pk]) if claim else None,
    }
    names = [name for name, _label in STEPS]
    return [
        {
            "name": name,
            "label": label,
            "number": index + 1,
            "current": name == current,
            "done": names.index(name) < names.index(current),
            "url": urls[name],
        }
        for index, (name, label) in enumerate(STEPS)
    ]


def _draft(request, claim_id) -> Claim:
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    if claim.status != S.DRAFT:
        raise _NotDraft(claim)
    return claim


class _NotDraft(Exception):
    def __init__(self, claim):
        self.claim = claim


def draft_view(view):
    """Wrap a step view: a claim that is no longer a draft goes to its status page."""

    def wrapper(request, claim_id, *args, **kwargs):
        try:
            return view(request, claim_id, *args, **kwargs)
        except (_NotDraft, services.AlreadySubmitted) as exc:
            messages.info(request, _("This claim was already submitted: here is its status."))
            return redirect("claims:detail", exc.claim.pk)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def next_step_url(claim) -> str:
    """Where a member continues a draft: the first step that is not done yet."""
    if not claim.diagnosis or not claim.provider_name or not claim.amount_claimed:
        return reverse("claims:edit-details", args=[claim.pk])
    if not claim.bank_account_number:
        return reverse("claims:edit-bank", args=[claim.pk])
    return reverse("claims:edit-documents", args=[claim.pk])


# --- list and detail ------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def claim_list(request):
    page = Paginator(selectors.claim_list_for_member(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "claim": claim,
            "continue_url": next_step_url(claim) if claim.is_editable else "",
            "decision_due": selectors.decision_due(claim),
        }
        for claim in page
    ]
    can_claim = bool(selectors.participants_for_claim(user=request.user))
    return render(request, "claims/list.html", {"page": page, "rows": rows, "can_claim": can_claim})


def _status_words(claim, *, cost_share: bool) -> dict:
    """The badge and the sentence under it; a co-payment the estimate predicted is no partial rejection."""
    if cost_share and claim.status == S.PARTLY_APPROVED:
        return {
            "status_label": _("Approved"),
            "status_explanation": _(
                "Approved as estimated: the plan pays %(payable)s, your co-payment is %(share)s. "
                "The payment to your bank account follows."
            )
            % {
                "payable": format_rupiah(claim.amount_approved or 0),
                "share": format_rupiah(claim.amount_claimed - (claim.amount_approved or 0)),
            },
        }
    return {"status_label": claim.get_status_display(), "status_explanation": STATUS_EXPLANATIONS.get(claim.status, "")}


def _detail_context(request, claim, *, upload_form=None, appeal_form=None):
    checklist, other_documents = selectors.checklist_for(claim=claim)
    open_request = selectors.open_document_request(claim)
    cost_share = cost_share_as_estimated(claim)
    can_appeal = appeal_open(claim) and not cost_share
    decided = claim.decided_at is not None and claim.status in WITH_DECISION_LETTER
    return {
        "claim": claim,
        "items": list(claim.items.all()),
        "timeline": [
            {
                "change": change,
                "explanation": STATUS_EXPLANATIONS.get(change.new_status, ""),
                "note": member_note(change),
                "by": member_actor_role(change),
            }
            for change in claim.status_changes.all()
        ],
        "checklist": checklist,
        "other_documents": other_documents,
        "documents": list(claim.documents.all()),
        "open_request": open_request,
        "upload_form": upload_form
        or (forms.UploadForm(requirements=[row["requirement"] for row in checklist]) if open_request else None),
        "appeal_form": appeal_form or (forms.AppealForm() if can_appeal else None),
        "letter_available": decided,
        "bank_name": bank_name(claim.bank_code),
        "payee_warning": services.payee_warning(claim),
        "accept": ACCEPT,
        "decision_due": selectors.decision_due(claim),
        # Read at each request, so the page states the rule's own number.
        "appeal_working_days": working_days.APPEAL_WORKING_DAYS,
        **_status_words(claim, cost_share=cost_share),
    }


@login_required
@never_cache
@require_GET
def claim_detail(request, claim_id):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    if claim.is_editable:
        return redirect(next_step_url(claim))
    return render(request, "claims/detail.html", _detail_context(request, claim))


def _uploads(request) -> list:
    return request.FILES.getlist("camera") + request.FILES.getlist("files") + request.FILES.getlist("file")


@login_required
@never_cache
@require_POST
def requested_documents_upload(request, claim_id):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    checklist, _others = selectors.checklist_for(claim=claim)
    form = forms.UploadForm(request.POST, requirements=[row["requirement"] for row in checklist])
    error = None
    if form.is_valid():
        try:
            services.claim_requested_documents_upload(
                claim=claim,
                user=request.user,
                uploads=_uploads(request),
                requirement=form.cleaned_data.get("requirement") or None,
            )
        except services.ClaimError as exc:
            error = exc.message
        else:
            messages.success(request, _("Thank you: the documents were sent and the claim is back in review."))
            return redirect("claims:detail", claim.pk)
    context = _detail_context(request, claim, upload_form=form)
    context["upload_error"] = error
    return render(request, "claims/detail.html", context, status=400)


@login_required
@never_cache
@require_POST
def claim_appeal(request, claim_id):
    from satuklik.claims import review  # here: `review` at module level is the review step's view

    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    form = forms.AppealForm(request.POST)
    error = None
    if form.is_valid():
        try:
            review.claim_appeal(claim=claim, user=request.user, reason=form.cleaned_data["reason"])
        except review.ReviewError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your appeal was sent: another officer will review the claim."))
            return redirect("claims:detail", claim.pk)
    context = _detail_context(request, claim, appeal_form=form)
    context["appeal_error"] = error
    return render(request, "claims/detail.html", context, status=400)


@login_required
@never_cache
@require_GET
def decision_letter(request, claim_id):
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    if claim.decided_at is None:
        raise Http404("no decision letter")
    pdf = letters.decision_letter_pdf(claim=claim, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{claim.number}-decision.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
@require_GET
def document_download(request, document_id):
    """The file, only for its claim's member or staff; always a download, never rendered."""
    document = selectors.document_get_for_download(
        user=request.user, document_id=document_id, as_staff=staff_capable(request, "claims.view_claim")
    )
    return documents.download_response(document)


# --- new claim: the steps ---------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def claim_new(request):
    participants = selectors.participants_for_claim(user=request.user)
    if not participants:
        return render(request, "claims/no_participants.html", status=200)
    types = selectors.benefit_types_for(members=participants)
    form = forms.NewClaimForm(request.POST or None, participants=participants, benefit_types=types)
    if request.method == "POST" and form.is_valid():
        # The form only offers these participants.
        member = next(person for person in participants if str(person.pk) == form.cleaned_data["participant"])
        benefit_type = form.cleaned_data["benefit_type"]

        def create():
            claim = services.claim_draft_create(user=request.user, member=member, benefit_type=benefit_type)
            return 201, {"claim_id": claim.pk}, claim

        try:
            outcome = run_once(
                user=request.user,
                key="web-new:" + form.cleaned_data["submission_token"],
                request_fingerprint=fingerprint("web-new", member.pk, benefit_type),
                action=create,
            )
        except services.ClaimError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except IdempotencyError as exc:
            messages.error(request, exc.message)
            return redirect("claims:new")
        else:
            return redirect("claims:edit-details", outcome.body["claim_id"])
    return render(
        request,
        "claims/new.html",
        {
            "form": form,
            "steps": _steps("participant"),
            "participants": participants,
            "submission_window_days": services.SUBMISSION_WINDOW_DAYS,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@draft_view
def edit_details(request, claim_id):
    claim = _draft(request, claim_id)
    benefit_items = selectors.benefit_items_for(member=claim.member, benefit_type=claim.benefit_type)
    initial = {
        "treatment_date": claim.treatment_date if claim.items.exists() else None,
        "admission_date": claim.admission_date,
        "discharge_date": claim.discharge_date,
        "provider": claim.provider.code if claim.provider_id else "",
        "provider_name": claim.provider_name,
        "diagnosis": claim.diagnosis,
        "total": f"{claim.amount_claimed:,}".replace(",", ".") if claim.amount_claimed else "",
    }
    for item in claim.items.all():
        initial[f"amount_{item.benefit_item_id}"] = f"{item.amount_claimed:,}".replace(",", ".")
        initial[f"quantity_{item.benefit_item_id}"] = item.quantity
    form = forms.ClaimDetailsForm(request.POST or None, claim=claim, benefit_items=benefit_items, initial=initial)
    provider_query = request.POST.get("provider_query", "") if request.method == "POST" else ""
    if request.method == "POST" and request.POST.get("action") != "search" and form.is_valid():
        data = form.cleaned_data
        provider = _provider_by_code(request.POST.get("provider_choice") or data.get("provider"))
        try:
            services.claim_details_update(
                claim=claim,
                user=request.user,
                treatment_date=data.get("treatment_date"),
                admission_date=data.get("admission_date"),
                discharge_date=data.get("discharge_date"),
                provider=provider,
                provider_name=data.get("provider_name", ""),
                diagnosis=data.get("diagnosis", ""),
                items=form.items(),
                total=data.get("total") or "",
                enforce_window=True,
            )
        except services.ClaimError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            form.focus(exc.field)
        else:
            return redirect("claims:edit-bank", claim.pk)
    return render(
        request,
        "claims/edit_details.html",
        {
            "claim": claim,
            "form": form,
            "steps": _steps("details", claim),
            "provider_query": provider_query,
            "providers": _provider_results(provider_query) if provider_query else None,
            "chosen_provider": claim.provider,
        },
    )


def _provider_by_code(code):
    if not code:
        return None
    from satuklik.providers.models import Provider

    return Provider.objects.filter(code=str(code)[:32], active=True).first()


def _provider_results(query):
    """Active providers whose name matches (every type: a pharmacy or lab may be on a claim)."""
    from satuklik.providers.selectors import ProviderFilters, provider_search

    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    return provider_search(filters=ProviderFilters(q=query), page=1, page_size=8).items


@login_required
@never_cache
@require_GET
def provider_search(request, claim_id):
    """htmx: the providers matching what the member types, as choices for the details form."""
    selectors.claim_get_for_member(user=request.user, claim_id=claim_id)
    query = request.GET.get("provider_query", "")
    return render(
        request,
        "claims/_provider_results.html",
        {"providers": _provider_results(query), "provider_query": query},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@draft_view
def edit_bank(request, claim_id):
    claim = _draft(request, claim_id)
    last = services.payee_default_account(user=request.user, member=claim.member)
    initial = {
        "bank_code": claim.bank_code,
        "account_number": claim.bank_account_number,
        "holder": claim.bank_account_holder or services.payee_name(claim.member),
    }
    use_last = request.method == "POST" and request.POST.get("account") == "last" and last is not None
    if use_last:
        data = {"bank_code": last.bank_code, "account_number": last.account_number, "holder": last.holder_name}
        form = forms.BankAccountForm(data)
    else:
        form = forms.BankAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            needs_code = services.claim_bank_set(
                claim=claim,
                user=request.user,
                bank_code=data["bank_code"],
                account_number=data["account_number"],
                holder=data["holder"],
            )
            if needs_code:
                flow_key = otp.new_flow_key()
                challenge = services.bank_code_send(
                    user=request.user,
                    bank_code=claim.bank_code,
                    account_number=claim.bank_account_number,
                    holder=claim.bank_account_holder,
                    flow_key=flow_key,
                    request=request,
                )
                request.session[BANK_FLOW_SESSION_KEY] = {
                    "claim_id": claim.pk,
                    "flow_key": flow_key,
                    "challenge_id": str(challenge.public_id),
                }
                otp.remember_challenge(
                    request,
                    challenge,
                    services.bank_flow_key(flow_key, claim.bank_code, claim.bank_account_number),
                )
                return redirect("claims:bank-verify", claim.pk)
        except services.ClaimError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except otp.OtpError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("claims:edit-documents", claim.pk)
    last_matches = last is not None and (last.bank_code, last.account_number) == (
        claim.bank_code,
        claim.bank_account_number,
    )
    return render(
        request,
        "claims/edit_bank.html",
        {
            "claim": claim,
            "form": form,
            "steps": _steps("bank", claim),
            "last": last,
            "last_bank_name": bank_name(last.bank_code) if last else "",
            "last_matches": last_matches,
            "payee_warning": services.payee_warning(claim),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@draft_view
def bank_verify(request, claim_id):
    claim = _draft(request, claim_id)
    flow = request.session.get(BANK_FLOW_SESSION_KEY) or {}
    if flow.get("claim_id") != claim.pk:
        return redirect("claims:edit-bank", claim.pk)
    effective_key = services.bank_flow_key(flow["flow_key"], claim.bank_code, claim.bank_account_number)
    error = None
    if request.method == "POST":
        try:
            services.bank_code_verify(
                user=request.user,
                challenge_id=flow["challenge_id"],
                flow_key=flow["flow_key"],
                code=request.POST.get("code", ""),
                bank_code=claim.bank_code,
                account_number=claim.bank_account_number,
                holder=claim.bank_account_holder,
                request=request,
            )
        except otp.OtpError as exc:
            error = exc
        except services.ClaimError as exc:
            messages.error(request, exc.message)
            return redirect("claims:edit-bank", claim.pk)
        else:
            request.session.pop(BANK_FLOW_SESSION_KEY, None)
            messages.success(request, _("Bank account confirmed."))
            return redirect("claims:edit-documents", claim.pk)
    try:
        challenge = otp.otp_get_for_flow(challenge_id=flow["challenge_id"], flow_key=effective_key)
    except otp.OtpError:
        return redirect("claims:edit-bank", claim.pk)
    here = reverse("claims:bank-verify", args=[claim.pk])
    context = otp.otp_screen_context(challenge=challenge, verify_url=here, next_url=here, error=error, request=request)
    return render(
        request,
        "claims/bank_verify.html",
        {
            "claim": claim,
            "otp": context,
            "steps": _steps("bank", claim),
            "bank_name": bank_name(claim.bank_code),
        },
        status=400 if error else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@draft_view
def edit_documents(request, claim_id):
    claim = _draft(request, claim_id)
    checklist, others = selectors.checklist_for(claim=claim)
    requirements = [row["requirement"] for row in checklist]
    form = forms.UploadForm(request.POST if request.method == "POST" else None, requirements=requirements)
    error = None
    if request.method == "POST" and form.is_valid():
        uploads = _uploads(request)
        if not uploads:
            error = _("Choose a file or take a photo first.")
        else:
            try:
                added = services.claim_documents_add(
                    claim=claim,
                    user=request.user,
                    uploads=uploads,
                    requirement=form.cleaned_data.get("requirement") or None,
                )
            except services.ClaimError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("Uploaded: %(names)s") % {"names": ", ".join(document.original_name for document in added)},
                )
                return redirect("claims:edit-documents", claim.pk)
    return render(
        request,
        "claims/edit_documents.html",
        {
            "claim": claim,
            "form": form,
            "steps": _steps("documents", claim),
            "checklist": checklist,
            "others": others,
            "error": error,
            "accept": ACCEPT,
            "max_file_mb": MAX_FILE_BYTES // (1024 * 1024),
            "max_claim_mb": MAX_CLAIM_BYTES // (1024 * 1024),
        },
        status=400 if error else 200,
    )


@login_required
@never_cache
@require_POST
@draft_view
def document_remove(request, claim_id, document_id):
    claim = _draft(request, claim_id)
    try:
        services.claim_document_remove(claim=claim, user=request.user, document_id=document_id)
    except services.ClaimError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect("claims:edit-documents", claim.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@draft_view
def review(request, claim_id):
    claim = _draft(request, claim_id)
    problems = []
    if request.method == "POST":
        form = forms.SubmitForm(request.POST)
        if form.is_valid():

            def submit():
                services.claim_submit(claim=claim, user=request.user)
                return 200, {"claim_id": claim.pk, "number": claim.number}, claim

            try:
                run_once(
                    user=request.user,
                    key="web-submit:" + form.cleaned_data["submission_token"],
                    request_fingerprint=fingerprint("web-submit", claim.pk),
                    action=submit,
                )
            except services.SubmissionRefused as exc:
                problems = exc.problems
            except IdempotencyError as exc:
                messages.error(request, exc.message)
                return redirect("claims:review", claim.pk)
            else:
                claim.refresh_from_db(fields=["number"])
                messages.success(
                    request, _("Claim submitted. Your claim number is %(number)s.") % {"number": claim.number}
                )
                return redirect("claims:detail", claim.pk)
    claim = selectors.claim_get_for_member(user=request.user, claim_id=claim.pk)
    checklist, others = selectors.checklist_for(claim=claim)
    if request.method == "GET":
        problems = services.claim_submit_checks(claim=claim, user=request.user)
    return render(
        request,
        "claims/review.html",
        {
            "claim": claim,
            "steps": _steps("review", claim),
            "items": list(claim.items.all()),
            "estimate": _estimate_rows(claim),
            "checklist": checklist,
            "others": others,
            "problems": problems,
            "form": forms.SubmitForm(),
            "bank_name": bank_name(claim.bank_code),
            "payee_warning": services.payee_warning(claim),
        },
        status=400 if request.method == "POST" else 200,
    )


def _estimate_rows(claim):
    from satuklik.claims.adjudication import describe_reduction

    proposal = selectors.estimate_for(claim=claim)
    if proposal is None:
        return None
    return {
        "items": [
            {
                "item": row.benefit_item,
                "claimed": row.amount_claimed,
                "payable": row.amount_proposed,
                "member_share": row.member_share,
                "reasons": [describe_reduction(reduction) for reduction in row.reductions],
            }
            for row in proposal.items
        ],
        "claimed": proposal.amount_claimed,
        "payable": proposal.amount_proposed,
        "member_share": proposal.member_share,
    }


@login_required
@never_cache
@require_POST
@draft_view
def draft_delete(request, claim_id):
    claim = _draft(request, claim_id)
    services.claim_draft_delete(claim=claim, user=request.user)
    messages.success(request, _("Draft deleted."))
    return redirect("claims:list")

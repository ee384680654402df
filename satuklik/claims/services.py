"""Writes of the member side of eClaim: drafts, documents, bank accounts, submission.

Every function takes keyword arguments, runs in a transaction and raises ClaimError
(a translated .message, a stable .code for the API, optionally the .field it is about)
when the member's input is refused; nothing is changed then. Status moves go through
satuklik.claims.workflow.claim_transition. Files written to storage inside a transaction
that fails are deleted again (stored_files_cleanup).

The checks at submission (claim_submit_checks) and their messages are in
docs/claims.md.
"""

import contextlib
import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuklik.accounts import otp
from satuklik.accounts.models import OtpChannel, OtpPurpose
from satuklik.claims import documents as docs
from satuklik.claims.banks import BANK_NAMES, bank_name
from satuklik.claims.locking import claim_lock, claim_refresh
from satuklik.claims.models import (
    DOCUMENT_EXTENSIONS,
    BankAccountUsed,
    Claim,
    ClaimDocument,
    ClaimItem,
    DocumentRequest,
    DocumentRequirement,
    PendingUpload,
    claim_document_stem,
    mask_account_number,
)
from satuklik.claims.workflow import claim_transition
from satuklik.claims.working_days import DECISION_WORKING_DAYS, add_working_days
from satuklik.notifications import services as notifications
from satuklik.policies.cover import cover_in_force
from satuklik.policies.models import BenefitItem, BenefitType, LimitPeriod

logger = logging.getLogger(__name__)
S = Claim.Status

SUBMISSION_WINDOW_DAYS = 60
# A bank account confirmed with a one-time code stays confirmed this long for submitting.
BANK_CONFIRMATION_HOURS = 24
MAX_ITEM_AMOUNT = 10_000_000_000  # Rp 10 billion: a typing slip, not a hospital bill
MAX_DAYS = 366
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone


class ClaimError(Exception):
    """The member's input is refused. .message is translated; .code is stable; .field optional;
    .status is the API's answer (422 bad input, 409 not in this state, 404 not on this claim)."""

    def __init__(self, message, *, code="invalid", field=None, status=422):
        self.message = str(message)
        self.code = code
        self.field = field
        self.status = status
        super().__init__(self.message)


class SubmissionRefused(ClaimError):
    """The claim fails one or more checks at submission; .problems lists them (code, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(" ".join(message for _code, message in problems), code="submission_refused")


class AlreadySubmitted(ClaimError):
    def __init__(self, claim):
        self.claim = claim
        super().__init__(_("This claim was already submitted."), code="already_submitted", status=409)


# --- files ------------------------------------------------------------------------------


@dataclass
class StoredFiles:
    """The files one transaction writes: names reserved beforehand, and those written."""

    stems: list = field(default_factory=list)
    written: list = field(default_factory=list)  # (storage, name)

    def next_stem(self) -> str:
        return self.stems[len(self.written)]


@contextlib.contextmanager
def stored_files_cleanup(files: int):
    """A transaction that writes up to `files` document files, none of them left behind.

    Their names are reserved first, in PendingUpload rows committed before any file is
    written (here, outside the transaction); the rows go when the transaction commits. If
    the block raises, it rolls back and its files are deleted at once; if the process dies
    instead (a killed worker), the rows remain and uploads_sweep deletes the files later.
    """
    stems = [claim_document_stem() for _ in range(files)]
    PendingUpload.objects.bulk_create([PendingUpload(stem=stem) for stem in stems])
    stored = StoredFiles(stems=stems)
    try:
        with transaction.atomic():
            yield stored
            transaction.on_commit(lambda: PendingUpload.objects.filter(stem__in=stems).delete(), robust=True)
    except BaseException:
        for storage, name in stored.written:
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover - logged, never hides the original error
                logger.exception("could not delete %s after a rollback", name)
        PendingUpload.objects.filter(stem__in=stems).delete()
        raise


def _store_document(*, claim, user, checked: docs.CheckedDocument, requirement, written, document_request=None):
    document = ClaimDocument(
        claim=claim,
        requirement=requirement,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=timezone.now(),
        document_request=document_request,
    )
    # Under the name reserved for it (PendingUpload), not one drawn by upload_to.
    storage = document.file.storage
    name = written.next_stem() + DOCUMENT_EXTENSIONS.get(checked.content_type, "")
    document.file.name = storage.save(name, ContentFile(checked.content))
    written.written.append((storage, document.file.name))
    document.save()
    return document


def uploads_sweep(*, older_than: datetime.timedelta) -> int:
    """Delete the document files that a transaction reserved but never committed a row for
    (a worker killed mid-upload), once older than the grace period. Returns how many."""
    cutoff = timezone.now() - older_than
    storage = ClaimDocument._meta.get_field("file").storage
    swept = 0
    for pending in PendingUpload.objects.filter(created_at__lt=cutoff).order_by("id").iterator():
        if not ClaimDocument.objects.filter(file__startswith=pending.stem).exists():
            for extension in {"", *DOCUMENT_EXTENSIONS.values()}:
                if storage.exists(pending.stem + extension):
                    storage.delete(pending.stem + extension)
                    swept += 1
        pending.delete()
    return swept


def _requirement_for(claim, requirement):
    """A DocumentRequirement of the claim's type (object, id or code), or None."""
    if requirement in (None, ""):
        return None
    rows = DocumentRequirement.objects.filter(benefit_type=claim.benefit_type, active=True)
    if isinstance(requirement, DocumentRequirement):
        found = rows.filter(pk=requirement.pk).first()
    elif str(requirement).isdigit():
        found = rows.filter(pk=int(requirement)).first()
    else:
        found = rows.filter(code=str(requirement)).first()
    if found is None:
        raise ClaimError(
            _("Choose which document this is from the list."), code="unknown_requirement", field="requirement"
        )
    return found


def _check_room(*, claim, adding: list[docs.CheckedDocument]):
    existing = ClaimDocument.objects.filter(claim=claim).aggregate(total=Sum("size"))["total"] or 0
    count = ClaimDocument.objects.filter(claim=claim).count()
    if count + len(adding) > docs.MAX_DOCUMENTS:
        raise ClaimError(
            _("A claim can have at most %(count)s documents.") % {"count": docs.MAX_DOCUMENTS}, code="too_many_files"
        )
    if existing + sum(item.size for item in adding) > docs.MAX_CLAIM_BYTES:
        raise ClaimError(
            _("The documents of one claim may total at most %(size)s MB.")
            % {"size": docs.MAX_CLAIM_BYTES // (1024 * 1024)},
            code="claim_too_large",
        )


def check_uploads(uploads) -> list[docs.CheckedDocument]:
    """Check every upload (DocumentRejected -> ClaimError with the file's message)."""
    checked = []
    for upload in uploads:
        try:
            checked.append(docs.check_upload(upload))
        except docs.DocumentRejected as exc:
            raise ClaimError(exc.message, code="file_refused", field="file") from None
    return checked


# --- drafts -----------------------------------------------------------------------------


def _plan_types(member) -> set[str]:
    if member.plan_id is None:
        return set()
    return set(BenefitItem.objects.filter(plan_id=member.plan_id).values_list("benefit_type", flat=True))


def _draft_number() -> str:
    return "DRAFT-" + secrets.token_hex(8).upper()


def _locked_draft(claim) -> Claim:
    locked = claim_lock(claim)
    if locked.status != S.DRAFT:
        raise AlreadySubmitted(locked)
    return locked


def _last_bank_account(user):
    return (
        BankAccountUsed.objects.filter(user=user, last_used_at__isnull=False).order_by("-last_used_at", "-id").first()
    )


# --- the payee ---------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def payee_name(member) -> str:
    """Whom a claim is paid to by default: the principal, also for a dependent's claim."""
    return member.principal.full_name if member.principal_id else member.full_name


def payee_default_account(*, user, member) -> BankAccountUsed | None:
    """The account a new claim of `member` is paid to: the last confirmed one in the principal's name.

    Confirmed means used on a submitted claim or confirmed with a code. A dependent's claim
    is paid to the principal (a child has no account of their own), so an account in the
    dependent's name is passed over; failing one in the principal's name, the last confirmed.
    """
    principal = payee_name(member)
    accounts = (
        BankAccountUsed.objects.filter(user=user)
        .filter(Q(last_used_at__isnull=False) | Q(verified_at__isnull=False))
        .order_by(F("last_used_at").desc(nulls_last=True), F("verified_at").desc(nulls_last=True), "-id")[:20]
    )
    fallback = None
    for account in accounts:
        if _same_name(account.holder_name, principal):
            return account
        in_dependents_name = member.principal_id and _same_name(account.holder_name, member.full_name)
        if fallback is None and not in_dependents_name:
            fallback = account
    return fallback


def payee_warning(claim) -> str:
    """A translated warning when the account holder is not the principal ("" when it is, or unset).

    Allowed (a spouse's joint account, a name spelt differently by the bank) but worth a second
    look by the member before submitting and by the officer before paying.
    """
    holder = claim.bank_account_holder
    principal = payee_name(claim.member)
    if not holder or _same_name(holder, principal):
        return ""
    return _(
        "The account holder, %(holder)s, is not %(principal)s, the principal of this policy. "
        "The claim will be paid to this account: check that it is the right one."
    ) % {"holder": holder, "principal": principal}


def claim_draft_create(*, user, member, benefit_type: str) -> Claim:
    """Start a claim for `member` (already checked to be one of the user's participants).

    The payee's account is filled in (payee_default_account: the principal's, also for a
    dependent); the treatment date starts as today until the details step sets it.
    """
    if benefit_type not in BenefitType.values:
        raise ClaimError(_("Choose the type of care."), code="unknown_benefit_type", field="benefit_type")
    if member.plan_id is None:
        raise ClaimError(
            _("%(name)s has no health benefits to claim.") % {"name": member.full_name},
            code="no_plan",
            field="member",
        )
    if benefit_type not in _plan_types(member):
        raise ClaimError(
            _("%(type)s is not in the plan of %(name)s.")
            % {"type": BenefitType(benefit_type).label, "name": member.full_name},
            code="benefit_type_not_in_plan",
            field="benefit_type",
        )
    last = payee_default_account(user=user, member=member)
    with transaction.atomic():
        claim = Claim.objects.create(
            number=_draft_number(),
            member=member,
            benefit_type=benefit_type,
            status=S.DRAFT,
            treatment_date=timezone.localdate(),
            submitted_by=user,
            bank_code=last.bank_code if last else "",
            bank_account_number=last.account_number if last else "",
            bank_account_holder=last.holder_name if last else "",
        )
    return claim


def _parse_amount(value, *, label) -> int:
    from satuklik.core.money import parse_rupiah

    try:
        amount = parse_rupiah(value)
    except (TypeError, ValueError):
        raise ClaimError(
            _("Enter the amount of %(item)s in rupiah, e.g. 250.000.") % {"item": label}, code="invalid_amount"
        ) from None
    if amount <= 0:
        raise ClaimError(_("The amount of %(item)s must be more than zero.") % {"item": label}, code="invalid_amount")
    if amount > MAX_ITEM_AMOUNT:
        raise ClaimError(_("The amount of %(item)s is too large.") % {"item": label}, code="invalid_amount")
    return amount


def late_submission_message(*, last_care_day: datetime.date, discharged: bool, today: datetime.date) -> str:
    """Why a claim for care ending on `last_care_day` is too late to submit today ("" if in time):
    SUBMISSION_WINDOW_DAYS from the discharge (inpatient) or the treatment."""
    days = (today - last_care_day).days
    if days <= SUBMISSION_WINDOW_DAYS:
        return ""
    if discharged:
        message = _(
            "A claim must be submitted within %(limit)s days of discharge; the discharge on %(date)s was %(days)s days ago."
        )
    else:
        message = _(
            "A claim must be submitted within %(limit)s days of the treatment; the treatment on %(date)s was %(days)s days ago."
        )
    return message % {"limit": SUBMISSION_WINDOW_DAYS, "date": last_care_day.strftime("%d/%m/%Y"), "days": days}


def _parse_total(value) -> int:
    from satuklik.core.money import parse_rupiah

    try:
        amount = parse_rupiah(value)
    except (TypeError, ValueError):
        raise ClaimError(
            _("Enter the total of the bill in rupiah, e.g. 250.000."), code="invalid_amount", field="total"
        ) from None
    if amount <= 0:
        raise ClaimError(_("The total of the bill must be more than zero."), code="invalid_amount", field="total")
    if amount > MAX_ITEM_AMOUNT:
        raise ClaimError(_("The total of the bill is too large."), code="invalid_amount", field="total")
    return amount


def claim_details_update(
    *,
    claim: Claim,
    user,
    treatment_date: datetime.date | None,
    admission_date: datetime.date | None = None,
    discharge_date: datetime.date | None = None,
    provider=None,
    provider_name: str = "",
    diagnosis: str = "",
    items: list[dict],
    total=None,
    enforce_window: bool = False,
) -> Claim:
    """Set the care details of a draft and replace its items.

    items: [{"benefit_item": BenefitItem or id, "amount": int or text, "quantity": int}]
    (quantity: days of a per-day item, else visits/units; default 1).
    total: the whole bill (int or text), asked first; the split by item is then optional:
    without items the total is claimed as the type's first item (in the plan's order), with
    items they must add up to it. None: the items alone say the amount (the API).
    enforce_window: refuse dates already outside the submission window (the web's date step
    says so at once; the check at submission stays for a draft left too long).
    """
    today = timezone.localdate()
    if claim.benefit_type == BenefitType.INPATIENT:
        if not admission_date or not discharge_date:
            raise ClaimError(
                _("Enter the admission and discharge dates."), code="dates_required", field="admission_date"
            )
        if discharge_date < admission_date:
            raise ClaimError(
                _("The discharge date cannot be before the admission date."),
                code="discharge_before_admission",
                field="discharge_date",
            )
        treatment_date = admission_date
    else:
        admission_date = discharge_date = None
        if not treatment_date:
            raise ClaimError(_("Enter the date of the treatment."), code="dates_required", field="treatment_date")
    if (discharge_date or treatment_date) > today:
        raise ClaimError(_("Treatment dates cannot be in the future."), code="future_date", field="treatment_date")
    if enforce_window:
        late = late_submission_message(
            last_care_day=discharge_date or treatment_date, discharged=bool(discharge_date), today=today
        )
        if late:
            raise ClaimError(
                late, code="late_submission", field="discharge_date" if discharge_date else "treatment_date"
            )
    provider_name = (provider.name if provider is not None else (provider_name or "")).strip()
    if not provider_name:
        raise ClaimError(
            _("Choose the hospital or clinic, or type its name."), code="provider_required", field="provider_name"
        )
    diagnosis = (diagnosis or "").strip()
    if not diagnosis:
        raise ClaimError(_("Describe the diagnosis in a few words."), code="diagnosis_required", field="diagnosis")
    bill = None
    if total not in (None, ""):
        bill = _parse_total(total)
    if not items and bill is None:
        if total is None:
            raise ClaimError(_("Add at least one benefit item with its amount."), code="items_required", field="items")
        raise ClaimError(_("Enter the total of the bill."), code="total_required", field="total")

    plan_items = {
        item.pk: item
        for item in BenefitItem.objects.filter(plan_id=claim.member.plan_id, benefit_type=claim.benefit_type)
        .exclude(limit_period=LimitPeriod.CEILING)
        .order_by("sort_order", "code")
    }
    if not items:
        if not plan_items:
            raise ClaimError(
                _("Choose benefit items of the participant's plan."), code="item_not_in_plan", field="items"
            )
        first = next(iter(plan_items.values()))
        stay = (discharge_date - admission_date).days + 1 if discharge_date and admission_date else 1
        items = [
            {
                "benefit_item": first,
                "amount": bill,
                "quantity": min(stay, MAX_DAYS) if first.limit_period == LimitPeriod.PER_DAY else 1,
            }
        ]
    rows, seen = [], set()
    for entry in items:
        raw_item = entry.get("benefit_item")
        item_id = raw_item.pk if isinstance(raw_item, BenefitItem) else raw_item
        try:
            item = plan_items[int(item_id)]
        except (KeyError, TypeError, ValueError):
            raise ClaimError(
                _("Choose benefit items of the participant's plan."), code="item_not_in_plan", field="items"
            ) from None
        if item.pk in seen:
            raise ClaimError(
                _("%(item)s is listed twice: enter its total once.") % {"item": item.display_name}, code="item_twice"
            )
        seen.add(item.pk)
        amount = _parse_amount(entry.get("amount"), label=item.display_name)
        quantity = entry.get("quantity") or 1
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            quantity = 0
        if quantity < 1 or quantity > MAX_DAYS:
            raise ClaimError(
                _("Enter the number of days (or times) of %(item)s.") % {"item": item.display_name},
                code="invalid_quantity",
            )
        if item.limit_period == LimitPeriod.PER_DAY and discharge_date and admission_date:
            stay = (discharge_date - admission_date).days + 1
            if quantity > stay:
                raise ClaimError(
                    _("%(item)s: %(days)s days is more than the stay of %(stay)s days.")
                    % {"item": item.display_name, "days": quantity, "stay": stay},
                    code="invalid_quantity",
                )
        rows.append(ClaimItem(benefit_item=item, amount_claimed=amount, quantity=quantity))
    split = sum(row.amount_claimed for row in rows)
    if bill is not None and split != bill:
        from satuklik.core.money import format_rupiah

        raise ClaimError(
            _("The items add up to %(split)s, but the total bill is %(total)s: correct an item or the total.")
            % {"split": format_rupiah(split), "total": format_rupiah(bill)},
            code="items_total_mismatch",
            field="total",
        )

    with transaction.atomic():
        locked = _locked_draft(claim)
        locked.treatment_date = treatment_date
        locked.admission_date = admission_date
        locked.discharge_date = discharge_date
        locked.provider = provider
        locked.provider_name = provider_name[:200]
        locked.diagnosis = diagnosis[:500]
        locked.amount_claimed = sum(row.amount_claimed for row in rows)
        locked.save(
            update_fields=[
                "treatment_date",
                "admission_date",
                "discharge_date",
                "provider",
                "provider_name",
                "diagnosis",
                "amount_claimed",
                "updated_at",
            ]
        )
        ClaimItem.objects.filter(claim=locked).delete()
        for row in rows:
            row.claim = locked
        ClaimItem.objects.bulk_create(rows)
    claim_refresh(claim, locked)
    return claim


def claim_draft_delete(*, claim: Claim, user) -> None:
    """Throw a draft away with its documents (files removed once the deletion commits)."""
    with transaction.atomic():
        locked = _locked_draft(claim)
        files = [(document.file.storage, document.file.name) for document in locked.documents.all()]
        locked.delete()

        def remove():
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(remove)


# --- bank accounts ------------------------------------------------------------------------


def _clean_account(*, bank_code: str, account_number: str, holder: str) -> tuple[str, str, str]:
    bank_code = (bank_code or "").strip()
    if bank_code not in BANK_NAMES:
        raise ClaimError(_("Choose the bank from the list."), code="unknown_bank", field="bank_code")
    number = "".join(ch for ch in (account_number or "") if not ch.isspace() and ch != "-")
    if not number.isdigit() or not 5 <= len(number) <= 20:
        raise ClaimError(
            _("Enter the account number: 5 to 20 digits."), code="invalid_account_number", field="account_number"
        )
    holder = " ".join((holder or "").split())
    if not holder or len(holder) > 200:
        raise ClaimError(
            _("Enter the account holder's name as the bank shows it."), code="holder_required", field="holder"
        )
    return bank_code, number, holder


def bank_account_needs_code(*, user, bank_code: str, account_number: str) -> bool:
    """Does paying to this account need a fresh one-time code?

    No for the account the member's last submitted claim was paid to; no for an account
    confirmed with a code in the last BANK_CONFIRMATION_HOURS; yes otherwise (the first
    account too: a taken-over login must not divert a payout).
    """
    last = _last_bank_account(user)
    if last is not None and (last.bank_code, last.account_number) == (bank_code, account_number):
        return False
    fresh_since = timezone.now() - datetime.timedelta(hours=BANK_CONFIRMATION_HOURS)
    return not BankAccountUsed.objects.filter(
        user=user, bank_code=bank_code, account_number=account_number, verified_at__gte=fresh_since
    ).exists()


def claim_bank_set(*, claim: Claim, user, bank_code: str, account_number: str, holder: str) -> bool:
    """Put the bank account on the draft; returns whether it needs a one-time code first."""
    bank_code, number, holder = _clean_account(bank_code=bank_code, account_number=account_number, holder=holder)
    with transaction.atomic():
        locked = _locked_draft(claim)
        locked.bank_code, locked.bank_account_number, locked.bank_account_holder = bank_code, number, holder
        locked.save(update_fields=["bank_code", "bank_account_number", "bank_account_holder", "updated_at"])
    claim_refresh(claim, locked)
    return bank_account_needs_code(user=user, bank_code=bank_code, account_number=number)


def bank_flow_key(flow_key: str, bank_code: str, account_number: str) -> str:
    """Bind a code to one account: the OTP's flow key mixes in the account, so a code asked
    for one account cannot confirm another."""
    return hashlib.sha256(f"{flow_key}:{bank_code}:{account_number}".encode()).hexdigest()


def _otp_destination(user) -> tuple[str, str]:
    if user.email:
        return OtpChannel.EMAIL, user.email
    if user.mobile and user.mobile_verified_at:
        return OtpChannel.SMS, user.mobile
    raise ClaimError(
        _("Your account has no e-mail address or verified mobile number to send a code to."), code="no_contact"
    )


def bank_code_send(*, user, bank_code: str, account_number: str, holder: str, flow_key: str, request=None):
    """Send a one-time code confirming this account; returns the OtpChallenge."""
    bank_code, number, holder = _clean_account(bank_code=bank_code, account_number=account_number, holder=holder)
    channel, destination = _otp_destination(user)
    return otp.otp_issue(
        purpose=OtpPurpose.BANK_ACCOUNT,
        flow_key=bank_flow_key(flow_key, bank_code, number),
        channel=channel,
        destination=destination,
        user=user,
        request=request,
    )


def bank_code_verify(
    *,
    user,
    challenge_id,
    flow_key: str,
    code: str,
    bank_code: str,
    account_number: str,
    holder: str,
    request=None,
) -> BankAccountUsed:
    """Check the code for this account and remember the account as confirmed.

    Raises otp.OtpError (with a translated .message) for a wrong, used or expired code.
    Sends the member a notice that a new account will receive claim payments.
    """
    bank_code, number, holder = _clean_account(bank_code=bank_code, account_number=account_number, holder=holder)
    challenge = otp.otp_verify(
        challenge_id=challenge_id,
        flow_key=bank_flow_key(flow_key, bank_code, number),
        purpose=OtpPurpose.BANK_ACCOUNT,
        code=code,
        request=request,
    )
    if challenge.user_id != user.pk:
        raise otp.OtpWrongFlow()
    with transaction.atomic():
        account, _created = BankAccountUsed.objects.select_for_update().get_or_create(
            user=user, bank_code=bank_code, account_number=number, defaults={"holder_name": holder}
        )
        account.holder_name = holder
        account.verified_at = timezone.now()
        account.save(update_fields=["holder_name", "verified_at"])
        if user.email:
            notifications.email_send(
                to=user.email,
                template="claim_bank_account",
                context={
                    "name": user.display_name,
                    "bank": bank_name(bank_code),
                    "account": mask_account_number(number),
                    "holder": holder,
                },
                user=user,
            )
    return account


# --- documents ----------------------------------------------------------------------------


def claim_documents_add(*, claim: Claim, user, uploads: list, requirement=None) -> list[ClaimDocument]:
    """Attach files to a draft (all or none of them)."""
    checked = check_uploads(uploads)
    with stored_files_cleanup(files=len(checked)) as written:
        locked = _locked_draft(claim)
        requirement_row = _requirement_for(locked, requirement)
        _check_room(claim=locked, adding=checked)
        return [
            _store_document(claim=locked, user=user, checked=item, requirement=requirement_row, written=written)
            for item in checked
        ]


def claim_document_remove(*, claim: Claim, user, document_id: int) -> None:
    with transaction.atomic():
        locked = _locked_draft(claim)
        document = ClaimDocument.objects.filter(claim=locked, pk=document_id).first()
        if document is None:
            raise ClaimError(_("That document is not on this claim."), code="unknown_document", status=404)
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


def claim_requested_documents_upload(*, claim: Claim, user, uploads: list, requirement=None) -> Claim:
    """The member answers a document request: the files join the claim, which goes back to
    SUBMITTED with the decision clock restarted (14 working days from now)."""
    if not uploads:
        raise ClaimError(_("Choose at least one file."), code="file_required", field="file")
    checked = check_uploads(uploads)
    with stored_files_cleanup(files=len(checked)) as written:
        locked = claim_lock(claim)
        if locked.status != S.DOCUMENTS_REQUESTED:
            raise ClaimError(_("No documents are requested for this claim."), code="no_request", status=409)
        requirement_row = _requirement_for(locked, requirement)
        _check_room(claim=locked, adding=checked)
        open_requests = list(DocumentRequest.objects.filter(claim=locked, fulfilled_at__isnull=True))
        answered = open_requests[-1] if open_requests else None
        for item in checked:
            _store_document(
                claim=locked,
                user=user,
                checked=item,
                requirement=requirement_row,
                written=written,
                document_request=answered,
            )
        now = timezone.now()
        DocumentRequest.objects.filter(pk__in=[row.pk for row in open_requests]).update(fulfilled_at=now)
        locked.complete_at = now
        locked.decision_due_date = add_working_days(timezone.localdate(), DECISION_WORKING_DAYS)
        locked.save(update_fields=["complete_at", "decision_due_date", "updated_at"])
        names = ", ".join(item.original_name for item in checked)
        with translation.override(getattr(user, "preferred_language", None) or None):
            note = _("Documents uploaded: %(names)s") % {"names": names}
        claim_transition(claim=locked, to_status=S.SUBMITTED, actor=user, note=note[:1000])
    return claim_refresh(claim, locked)


# --- submission -----------------------------------------------------------------------------


def claim_submit_checks(*, claim: Claim, user) -> list[tuple[str, str]]:
    """Everything that stops a draft from being submitted: [(code, message)], empty if none."""
    problems: list[tuple[str, str]] = []
    member = claim.member
    today = timezone.localdate()
    items = list(ClaimItem.objects.filter(claim=claim).select_related("benefit_item"))
    if not items or not claim.diagnosis or not claim.provider_name:
        problems.append(
            (
                "details_missing",
                _("Fill in the care details: benefit items with amounts, the hospital or clinic and the diagnosis."),
            )
        )
    if claim.benefit_type not in _plan_types(member):
        problems.append(
            (
                "benefit_type_not_in_plan",
                _("%(type)s is not in the plan of %(name)s.")
                % {"type": claim.get_benefit_type_display(), "name": member.full_name},
            )
        )
    elif any(
        item.benefit_item.plan_id != member.plan_id
        or item.benefit_item.benefit_type != claim.benefit_type
        or item.benefit_item.is_ceiling
        for item in items
    ):
        problems.append(("item_not_in_plan", _("Some benefit items are not in the participant's plan.")))
    if claim.benefit_type == BenefitType.INPATIENT and not (claim.admission_date and claim.discharge_date):
        problems.append(("dates_required", _("Enter the admission and discharge dates.")))
    if not cover_in_force(member, claim.treatment_date):
        problems.append(
            (
                "coverage_inactive",
                _("The coverage of %(name)s was not active on %(date)s.")
                % {"name": member.full_name, "date": claim.treatment_date.strftime("%d/%m/%Y")},
            )
        )
    late = late_submission_message(
        last_care_day=claim.discharge_date or claim.treatment_date, discharged=bool(claim.discharge_date), today=today
    )
    if late:
        problems.append(("late_submission", late))
    required = list(DocumentRequirement.objects.filter(benefit_type=claim.benefit_type, active=True, required=True))
    present = set(
        ClaimDocument.objects.filter(claim=claim, requirement__isnull=False).values_list("requirement_id", flat=True)
    )
    missing = [row.name for row in required if row.pk not in present]
    if missing:
        problems.append(
            ("documents_missing", _("These documents are still missing: %(names)s.") % {"names": ", ".join(missing)})
        )
    if not (claim.bank_code and claim.bank_account_number and claim.bank_account_holder):
        problems.append(("bank_account_missing", _("Enter the bank account the claim is paid to.")))
    elif bank_account_needs_code(user=user, bank_code=claim.bank_code, account_number=claim.bank_account_number):
        problems.append(
            (
                "bank_account_unconfirmed",
                _("Confirm the bank account ending in %(last4)s with the code we send you.")
                % {"last4": claim.bank_account_number[-4:]},
            )
        )
    return problems


def _new_number(day: datetime.date) -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"CLM-{day:%Y%m%d}-{suffix}"


def _assign_number(claim: Claim, day: datetime.date) -> None:
    """A fresh random claim number; a collision (1 in a billion a day) draws again."""
    for _attempt in range(8):
        claim.number = _new_number(day)
        try:
            with transaction.atomic():
                claim.save(update_fields=["number"])
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique claim number")  # pragma: no cover


def likely_duplicate_of(claim: Claim) -> Claim | None:
    """An earlier submitted claim of the same participant, provider, dates and amount."""
    others = Claim.objects.filter(
        member_id=claim.member_id,
        treatment_date=claim.treatment_date,
        discharge_date=claim.discharge_date,
        amount_claimed=claim.amount_claimed,
        benefit_type=claim.benefit_type,
    ).exclude(pk=claim.pk)
    others = others.exclude(status=S.DRAFT)
    if claim.provider_id:
        others = others.filter(provider_id=claim.provider_id) | others.filter(
            provider__isnull=True, provider_name__iexact=claim.provider_name
        )
    else:
        others = others.filter(provider_name__iexact=claim.provider_name)
    return others.order_by("submitted_at", "id").first()


def claim_submit(*, claim: Claim, user) -> Claim:
    """Submit a draft: run the checks, give it its claim number and decision due date, flag a
    likely duplicate, remember the bank account, and move it to SUBMITTED (which notifies the
    member). Raises SubmissionRefused with every problem, or AlreadySubmitted."""
    with transaction.atomic():
        locked = claim_lock(claim, "member__policy", lock_related=True)
        if locked.status != S.DRAFT:
            raise AlreadySubmitted(locked)
        problems = claim_submit_checks(claim=locked, user=user)
        if problems:
            raise SubmissionRefused(problems)
        now = timezone.now()
        today = timezone.localdate()
        _assign_number(locked, today)
        locked.submitted_at = now
        locked.complete_at = now
        locked.submitted_by = locked.submitted_by or user
        locked.decision_due_date = add_working_days(today, DECISION_WORKING_DAYS)
        locked.duplicate_of = likely_duplicate_of(locked)
        locked.amount_claimed = ClaimItem.objects.filter(claim=locked).aggregate(total=Sum("amount_claimed"))["total"]
        locked.save(
            update_fields=[
                "submitted_at",
                "complete_at",
                "submitted_by",
                "decision_due_date",
                "duplicate_of",
                "amount_claimed",
                "updated_at",
            ]
        )
        account, _created = BankAccountUsed.objects.get_or_create(
            user=user,
            bank_code=locked.bank_code,
            account_number=locked.bank_account_number,
            defaults={"holder_name": locked.bank_account_holder},
        )
        account.holder_name = locked.bank_account_holder
        account.last_used_at = now
        account.save(update_fields=["holder_name", "last_used_at"])
        claim_transition(claim=locked, to_status=S.SUBMITTED, actor=user)
    return claim_refresh(claim, locked)


def claim_create_complete(
    *,
    user,
    member,
    benefit_type: str,
    details: dict,
    bank: dict,
    files: list[tuple],
    submit: bool = True,
) -> Claim:
    """A whole claim in one request (the API's one-shot form): the draft, its details, bank
    account and documents, and (if `submit`) the submission - in one transaction, so a
    failure anywhere (a refused third file, a failed check) leaves no claim and no file.

    files: [(upload, requirement code or None)].
    """
    with stored_files_cleanup(files=len(files)) as written:
        claim = claim_draft_create(user=user, member=member, benefit_type=benefit_type)
        claim_details_update(claim=claim, user=user, **details)
        claim_bank_set(claim=claim, user=user, **bank)
        for upload, requirement in files:
            # Checked and stored one by one: each file's bytes are read once.
            (item,) = check_uploads([upload])
            _check_room(claim=claim, adding=[item])
            _store_document(
                claim=claim,
                user=user,
                checked=item,
                requirement=_requirement_for(claim, requirement),
                written=written,
            )
        if submit:
            claim_submit(claim=claim, user=user)
    return claim

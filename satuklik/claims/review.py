"""The claims officer's services: review, proposal, document requests, decision, payment,
appeal and the bank transfer file. Every status move goes through
workflow.claim_transition (lock, history row, member notified); the fields say who did
what and when.

Rules:
- An officer never reviews, decides or pays a claim they submitted, or one for a
  participant linked to their own account (themselves or their family):
  PermissionDenied with a message.
- An appeal (by the member, once, of a rejection or a partial approval, within
  APPEAL_WINDOW_DAYS of the decision) is due in 20 working days and is reviewed by
  another officer than the one who decided.
- Bad input raises ReviewError with a translated message and changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuklik.claims.adjudication import Proposal, adjudicate_claim
from satuklik.claims.locking import claim_lock, claim_refresh
from satuklik.claims.models import Claim, ClaimItem, DocumentRequest, ReasonCode
from satuklik.claims.workflow import claim_transition
from satuklik.claims.working_days import APPEAL_WORKING_DAYS, add_working_days
from satuklik.core.importing import ImportFileError, cell_text, date, money, read_rows
from satuklik.core.money import format_rupiah
from satuklik.policies.models import Member

S = Claim.Status
APPEAL_WINDOW_DAYS = 30
DECIDED = (S.APPROVED, S.PARTLY_APPROVED, S.REJECTED)
PAYABLE = (S.APPROVED, S.PARTLY_APPROVED)


class ReviewError(Exception):
    """Bad input for an officer or member action; .message is translated."""

    def __init__(self, message, *, field_name=None):
        self.message = str(message)
        self.field_name = field_name
        super().__init__(self.message)


# --- who may act ---------------------------------------------------------------------------


def _linked_member_ids(user) -> set[int]:
    from satuklik.accounts.models import PolicyLink

    return set(
        PolicyLink.objects.filter(user=user, status=PolicyLink.Status.ACTIVE).values_list("member_id", flat=True)
    )


def officer_conflict(*, officer, claim: Claim) -> str | None:
    """Why this officer must not act on this claim, or None."""
    if claim.submitted_by_id and claim.submitted_by_id == officer.pk:
        return _("You submitted this claim: another officer must handle it.")
    linked = _linked_member_ids(officer)
    if linked and (claim.member_id in linked or (claim.member.principal_id and claim.member.principal_id in linked)):
        return _("This claim is for you or a member of your family: another officer must handle it.")
    return None


def _check_officer(*, officer, claim: Claim) -> None:
    reason = officer_conflict(officer=officer, claim=claim)
    if reason:
        raise PermissionDenied(reason)
    if claim.is_appeal and claim.decided_by_id == officer.pk:
        raise PermissionDenied(_("You decided this claim before the appeal: another officer must review the appeal."))


def member_may_act(*, user, claim: Claim) -> bool:
    """The member's own claim: they submitted it, or it is for a participant linked to them
    (or a dependent of one)."""
    if claim.submitted_by_id == user.pk:
        return True
    linked = _linked_member_ids(user)
    return claim.member_id in linked or (claim.member.principal_id is not None and claim.member.principal_id in linked)


# --- review ---------------------------------------------------------------------------------


def claim_start_review(*, claim: Claim, officer) -> Claim:
    """The officer takes the claim (submitted, or appealed) and gets the proposal."""
    with transaction.atomic():
        locked = claim_lock(claim, "member")
        _check_officer(officer=officer, claim=locked)
        note = _("Review started by %(officer)s.") % {"officer": officer.get_username()}
        claim_transition(claim=locked, to_status=S.IN_REVIEW, actor=officer, note=note)
        locked.assigned_officer = officer
        locked.save(update_fields=["assigned_officer", "updated_at"])
        claim_propose(claim=locked)
    return claim_refresh(claim, locked)


def claim_propose(*, claim: Claim, actor=None) -> Proposal:
    """Store the rules' proposal on each item (amount, main reason, the reductions).

    Items the officer adjusted keep the officer's amount; the proposal is still shown.
    """
    proposal = adjudicate_claim(claim=claim)
    codes = {r.code: r for r in ReasonCode.objects.filter(code__in={i.reason_code for i in proposal.items} - {None})}
    items = {item.pk: item for item in ClaimItem.objects.filter(claim_id=claim.pk)}
    changed = []
    for line in proposal.items:
        item = items.get(line.key)
        if item is None:
            continue
        item.amount_proposed = line.amount_proposed
        if not item.officer_adjusted:
            item.reason_code = codes.get(line.reason_code)
        item.reductions = [reduction.as_json() for reduction in line.reductions]
        changed.append(item)
    fields = ["amount_proposed", "reason_code", "reductions", "updated_at"]
    now = timezone.now()
    for item in changed:
        item.updated_at = now
    ClaimItem.objects.bulk_update(changed, fields)
    return proposal


def claim_request_documents(*, claim: Claim, officer, message: str) -> DocumentRequest:
    """Ask the member for more documents: the claim waits for them (the clock stops)."""
    message = (message or "").strip()
    if not message:
        raise ReviewError(_("Write which documents are needed."), field_name="message")
    with transaction.atomic():
        locked = claim_lock(claim, "member")
        _check_officer(officer=officer, claim=locked)
        claim_transition(claim=locked, to_status=S.DOCUMENTS_REQUESTED, actor=officer, note=message)
        request = DocumentRequest.objects.create(
            claim=locked, message=message, requested_by=officer, requested_at=timezone.now()
        )
    claim_refresh(claim, locked)
    return request


@dataclass(frozen=True)
class Adjustment:
    """The officer's amount for one item, with the reason when it differs from the proposal."""

    amount: int
    reason_code: str = ""
    note: str = ""


def _reason(code: str, *, for_items: bool) -> ReasonCode:
    filters = {"for_items": True} if for_items else {"for_claims": True}
    reason = ReasonCode.objects.filter(code=code, active=True, **filters).first()
    if reason is None:
        raise ReviewError(_("Choose a reason from the list."), field_name="reason_code")
    return reason


def _check_ceiling(*, items, proposal: Proposal) -> None:
    """An officer's amounts may not take the claim over what is left of the plan's annual ceiling."""
    left = proposal.ceiling_remaining
    if left is not None and sum(item.amount_approved for item in items) > left:
        raise ReviewError(
            _("The annual limit of %(limit)s leaves %(left)s for this claim: approve at most that.")
            % {"limit": format_rupiah(proposal.ceiling_limit), "left": format_rupiah(left)},
            field_name="decision",
        )


def claim_decide(
    *,
    claim: Claim,
    officer,
    decision: str,
    adjustments: dict[int, Adjustment] | None = None,
    reason_code: str = "",
    note: str = "",
) -> Claim:
    """Approve (fully or partly) or reject a claim in review.

    decision "approve": each item is approved at the officer's amount if adjusted, else at
    the proposal; the status is APPROVED when everything claimed is approved, PARTLY_APPROVED
    otherwise. An adjusted amount (0 to the claimed amount) needs a reason code. Nothing
    approved at all is a rejection: use "reject".
    decision "reject": every item 0; a reason code from the claims list is required, the
    note explains it in words.
    """
    if decision not in ("approve", "reject"):
        raise ReviewError(_("Choose approve or reject."), field_name="decision")
    adjustments = adjustments or {}
    note = (note or "").strip()
    with transaction.atomic():
        locked = claim_lock(claim, "member")
        _check_officer(officer=officer, claim=locked)
        if locked.status != S.IN_REVIEW:
            # The transition would refuse too; say it before touching the items.
            claim_transition(claim=locked, to_status=S.APPROVED if decision == "approve" else S.REJECTED, actor=officer)
        items = list(ClaimItem.objects.filter(claim_id=locked.pk).select_for_update().order_by("id"))
        unknown = set(adjustments) - {item.pk for item in items}
        if unknown:
            raise ReviewError(_("An adjusted item is not part of this claim."), field_name="adjustments")
        if decision == "reject":
            rejection = _reason(reason_code, for_items=False)
            for item in items:
                item.amount_approved = 0
            status = S.REJECTED
        else:
            rejection = None
            # One decision at a time per participant, on a fresh proposal: two claims deciding
            # together must not both take what is left of an annual limit or ceiling.
            Member.objects.select_for_update().filter(pk=locked.member_id).first()
            proposal = claim_propose(claim=locked)
            items = list(ClaimItem.objects.filter(claim_id=locked.pk).order_by("id"))
            for item in items:
                adjustment = adjustments.get(item.pk)
                if adjustment is None or adjustment.amount == item.amount_proposed and not adjustment.reason_code:
                    item.amount_approved = item.amount_proposed
                    continue
                amount = adjustment.amount
                if not isinstance(amount, int) or amount < 0 or amount > item.amount_claimed:
                    raise ReviewError(
                        _("The approved amount of an item must be between Rp 0 and the amount claimed (%(claimed)s).")
                        % {"claimed": format_rupiah(item.amount_claimed)},
                        field_name=f"amount_{item.pk}",
                    )
                if amount < item.amount_claimed or adjustment.reason_code:
                    if not adjustment.reason_code:
                        raise ReviewError(
                            _("Give a reason for each amount you change."), field_name=f"reason_{item.pk}"
                        )
                    item.reason_code = _reason(adjustment.reason_code, for_items=True)
                else:
                    item.reason_code = None
                item.amount_approved = amount
                item.reason_note = adjustment.note.strip()[:500]
                item.officer_adjusted = True
            _check_ceiling(items=items, proposal=proposal)
            total = sum(item.amount_approved for item in items)
            claimed = sum(item.amount_claimed for item in items)
            if total == 0:
                raise ReviewError(
                    _("Nothing would be paid: reject the claim with a reason instead."), field_name="decision"
                )
            status = S.APPROVED if total >= claimed else S.PARTLY_APPROVED
        already_paid = locked.amount_paid or 0
        if already_paid and sum(item.amount_approved for item in items) < already_paid:
            # An appeal of a paid claim: what was paid stands.
            raise ReviewError(
                _("%(amount)s was already paid: approve at least that much.") % {"amount": format_rupiah(already_paid)},
                field_name="decision",
            )
        now = timezone.now()
        for item in items:
            item.updated_at = now
        ClaimItem.objects.bulk_update(
            items, ["amount_approved", "reason_code", "reason_note", "officer_adjusted", "updated_at"]
        )
        claim_transition(claim=locked, to_status=status, actor=officer, note=note)
        locked.amount_approved = sum(item.amount_approved for item in items)
        locked.amount_claimed = sum(item.amount_claimed for item in items)
        locked.decided_at = now
        locked.decided_by = officer
        locked.rejection_reason_code = rejection
        locked.decision_note = note
        locked.is_appeal = False
        locked.save(
            update_fields=[
                "amount_approved",
                "amount_claimed",
                "decided_at",
                "decided_by",
                "rejection_reason_code",
                "decision_note",
                "is_appeal",
                "updated_at",
            ]
        )
        if already_paid and locked.amount_approved == already_paid:
            # The appeal changed nothing to pay: the claim is paid as it was.
            claim_transition(
                claim=locked, to_status=S.PAID, actor=officer, note=_("Nothing more to pay after the appeal.")
            )
    return claim_refresh(claim, locked)


def claim_mark_paid(
    *, claim: Claim, officer, reference: str, amount: int | None = None, paid_at: datetime.datetime | None = None
) -> Claim:
    """Record the transfer of the approved amount still unpaid (all of it, in one transfer)."""
    reference = (reference or "").strip()
    if not reference:
        raise ReviewError(_("Enter the transfer reference."), field_name="reference")
    if len(reference) > 64:
        raise ReviewError(_("The transfer reference is too long (64 characters at most)."), field_name="reference")
    with transaction.atomic():
        locked = claim_lock(claim, "member")
        _check_officer(officer=officer, claim=locked)
        if locked.status not in PAYABLE:
            claim_transition(claim=locked, to_status=S.PAID, actor=officer)  # refused: IllegalTransition
        outstanding = (locked.amount_approved or 0) - (locked.amount_paid or 0)
        if amount is None:
            amount = outstanding
        if amount != outstanding:
            raise ReviewError(
                _("The amount paid must be the approved amount still unpaid: %(amount)s.")
                % {"amount": format_rupiah(outstanding)},
                field_name="amount",
            )
        paid_at = paid_at or timezone.now()
        note = _("Paid %(amount)s, transfer reference %(reference)s.") % {
            "amount": format_rupiah(amount),
            "reference": reference,
        }
        claim_transition(claim=locked, to_status=S.PAID, actor=officer, note=note)
        locked.amount_paid = (locked.amount_paid or 0) + amount
        locked.paid_at = paid_at
        locked.payment_reference = reference
        locked.save(update_fields=["amount_paid", "paid_at", "payment_reference", "updated_at"])
    return claim_refresh(claim, locked)


def appeal_deadline(claim: Claim) -> datetime.datetime | None:
    """Until when the member may appeal the decision (None: no decision to appeal)."""
    return claim.decided_at + datetime.timedelta(days=APPEAL_WINDOW_DAYS) if claim.decided_at else None


def appeal_open(claim: Claim) -> bool:
    """May the member appeal now? (What claim_appeal checks, without the owner.) For the member pages."""
    partly = (claim.amount_approved or 0) < claim.amount_claimed
    appealable = claim.status in (S.REJECTED, S.PARTLY_APPROVED) or (claim.status == S.PAID and partly)
    deadline = appeal_deadline(claim)
    return appealable and claim.appeal_count < 1 and (deadline is None or timezone.now() <= deadline)


# Reductions the member bears by the plan's design, shown in the estimate before submitting.
COST_SHARE_CODES = frozenset({"COPAY", "DEDUCTIBLE"})


def cost_share_as_estimated(claim: Claim) -> bool:
    """Was the claim approved exactly as the estimate said, less only the member's co-payment or
    deductible? Then it is no partial rejection: the member pages say so and offer no appeal."""
    if claim.status not in (S.PARTLY_APPROVED, S.PAID) or claim.decided_at is None:
        return False
    items = list(claim.items.all())
    if not items:
        return False
    for item in items:
        if item.officer_adjusted or item.amount_approved != item.amount_proposed:
            return False
        if any(reduction.get("code") not in COST_SHARE_CODES for reduction in item.reductions or []):
            return False
    return (claim.amount_approved or 0) < claim.amount_claimed


def claim_appeal(*, claim: Claim, user, reason: str) -> Claim:
    """The member appeals a rejection or a partial approval, once, within APPEAL_WINDOW_DAYS.

    The claim reopens with a decision due in 20 working days, for another officer than the
    one who decided (claim.decided_by stays until the appeal is decided).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Tell us why you disagree with the decision."), field_name="reason")
    with transaction.atomic():
        locked = claim_lock(claim, "member")
        if not member_may_act(user=user, claim=locked):
            raise PermissionDenied(_("This is not your claim."))
        if locked.appeal_count >= 1:
            raise ReviewError(_("This claim was already appealed once: a decision on an appeal is final."))
        partly = (locked.amount_approved or 0) < locked.amount_claimed
        if not (locked.status in (S.REJECTED, S.PARTLY_APPROVED) or (locked.status == S.PAID and partly)):
            raise ReviewError(_("Only a rejection or a partial approval can be appealed."))
        if locked.decided_at and timezone.now() > appeal_deadline(locked):
            raise ReviewError(
                _("An appeal must be made within %(days)s days of the decision.") % {"days": APPEAL_WINDOW_DAYS}
            )
        today = timezone.localdate()
        locked.is_appeal = True
        locked.appeal_count += 1
        locked.assigned_officer = None
        locked.decision_due_date = add_working_days(today, APPEAL_WORKING_DAYS)
        locked.appeal_note = reason
        locked.appealed_at = timezone.now()
        locked.save(
            update_fields=[
                "is_appeal",
                "appeal_count",
                "assigned_officer",
                "decision_due_date",
                "appeal_note",
                "appealed_at",
                "updated_at",
            ]
        )
        claim_transition(claim=locked, to_status=S.APPEALED, actor=user, note=reason)
    return claim_refresh(claim, locked)


# --- the bank transfer file -----------------------------------------------------------------


@dataclass
class PaymentLine:
    line: int
    number: str
    amount: int | None = None
    reference: str = ""
    paid_on: datetime.date | None = None
    problem: str = ""
    claim: Claim | None = None


@dataclass
class PaymentImport:
    paid: list[PaymentLine] = field(default_factory=list)
    unmatched: list[PaymentLine] = field(default_factory=list)  # no such claim number
    invalid: list[PaymentLine] = field(default_factory=list)  # unreadable, or not payable as given

    @property
    def total_paid(self) -> int:
        return sum(line.amount or 0 for line in self.paid)

    @property
    def ok(self) -> bool:
        return not (self.unmatched or self.invalid)


HEADER_WORDS = {"claim", "klaim", "number", "nomor", "amount", "jumlah", "reference", "referensi", "date", "tanggal"}
MAX_PAYMENT_FILE_BYTES = 2 * 1024 * 1024


def _read_rows(data: bytes | str) -> list[tuple[int, list[str]]]:
    """The file's rows, (line number, text cells), through the importer's reader (CSV or XLSX)."""
    data = data.encode() if isinstance(data, str) else data
    if len(data) > MAX_PAYMENT_FILE_BYTES:
        raise ReviewError(_("The file is too large (2 MB at most)."))
    try:
        return [
            (line, ["" if cell is None else cell_text(cell).strip() for cell in row]) for line, row in read_rows(data)
        ]
    except ImportFileError as exc:
        raise ReviewError(str(exc)) from exc


def payments_import_csv(*, data: bytes | str, officer) -> PaymentImport:
    """Mark claims paid from a bank transfer file: claim number, amount, reference, date.

    CSV with commas or semicolons, or XLSX (read like every imported file); an optional
    header row; amounts as the bank writes them (1.250.000 or 1250000); dates as
    30/06/2025, 30-06-2025 or 2025-06-30, as in the other imports. Every matched, valid line is
    paid in one transaction (all or none: if one of them fails on the way, none is paid);
    the report lists the lines paid, the claim numbers not found and the invalid lines.
    """
    rows = _read_rows(data)
    amount_of, date_of = money(), date()  # the importer's: the same amounts and dates as every file
    report = PaymentImport()
    parsed: list[PaymentLine] = []
    seen: set[str] = set()
    for index, cells in rows:
        if not any(cells):
            continue
        if index == 1 and any(word in cells[0].lower() for word in HEADER_WORDS):
            continue
        line = PaymentLine(line=index, number=cells[0] if cells else "")
        if len(cells) < 4:
            line.problem = _("Expected 4 columns: claim number, amount, reference, date.")
            report.invalid.append(line)
            continue
        line.reference = cells[2]
        try:
            line.amount = amount_of(cells[1])
        except ValueError:
            line.problem = _("The amount %(amount)s is not a rupiah amount.") % {"amount": cells[1][:40]}
        try:
            line.paid_on = date_of(cells[3][:20])
        except ValueError as exc:
            line.problem = line.problem or str(exc)
        if not line.problem and not line.reference:
            line.problem = _("The transfer reference is missing.")
        if not line.problem and len(line.reference) > 64:
            line.problem = _("The transfer reference is too long (64 characters at most).")
        if not line.problem and line.number.upper() in seen:
            line.problem = _("This claim number is on an earlier line of the file.")
        seen.add(line.number.upper())
        if line.problem:
            report.invalid.append(line)
        else:
            parsed.append(line)

    numbers = {line.number for line in parsed} | {line.number.upper() for line in parsed}
    claims = {c.number.upper(): c for c in Claim.objects.filter(number__in=numbers)}
    payable = []
    for line in parsed:
        claim = claims.get(line.number.upper())
        if claim is None:
            line.problem = _("No claim with this number.")
            report.unmatched.append(line)
            continue
        outstanding = (claim.amount_approved or 0) - (claim.amount_paid or 0)
        if claim.status not in PAYABLE:
            line.problem = _("The claim is %(status)s, not approved for payment.") % {
                "status": claim.get_status_display().lower()
            }
        elif line.amount != outstanding:
            line.problem = _("The amount differs from the approved amount still unpaid (%(amount)s).") % {
                "amount": format_rupiah(outstanding)
            }
        if line.problem:
            report.invalid.append(line)
        else:
            line.claim = claim
            payable.append(line)

    tz = timezone.get_current_timezone()
    with transaction.atomic():
        for line in payable:
            paid_at = timezone.make_aware(datetime.datetime.combine(line.paid_on, datetime.time(12)), tz)
            try:
                claim_mark_paid(
                    claim=line.claim, officer=officer, reference=line.reference, amount=line.amount, paid_at=paid_at
                )
            except PermissionDenied as exc:
                line.problem = str(exc)
                report.invalid.append(line)
                continue
            report.paid.append(line)
        if any(line.problem for line in payable):
            # One line could not be paid by this officer: nothing is paid, all is reported.
            transaction.set_rollback(True)
            for line in payable:
                if not line.problem:
                    line.problem = _("Not paid: another line of the file could not be paid.")
                    report.invalid.append(line)
            report.paid = []
    for bucket in (report.invalid, report.unmatched):
        bucket.sort(key=lambda line: line.line)
    return report

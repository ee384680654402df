"""The claim status table and the one service that moves a claim along it.

Every other service (submission, document requests, decisions, payment, appeal) calls
claim_transition(); nothing else sets Claim.status. Each move writes a
ClaimStatusChange (the member's timeline) and, once the transaction commits, tells the
member by e-mail and in the in-app inbox.

An appeal: a rejection or a partial approval (paid or not yet paid) can be appealed once
(Claim.appeal_count, checked by the appeal service); it reopens the claim for another
officer (APPEALED -> IN_REVIEW).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuklik.claims.models import Claim, ClaimStatusChange

S = Claim.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.DOCUMENTS_REQUESTED, S.APPROVED, S.PARTLY_APPROVED, S.REJECTED}),
    S.DOCUMENTS_REQUESTED: frozenset({S.SUBMITTED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PARTLY_APPROVED: frozenset({S.PAID, S.APPEALED}),
    S.REJECTED: frozenset({S.APPEALED}),
    S.APPEALED: frozenset({S.IN_REVIEW}),
    # A partial approval that was already paid may still be appealed (once): the
    # difference is paid if the appeal succeeds. The appeal service checks that the
    # paid amount was below the claimed one and that no appeal was made before.
    S.PAID: frozenset({S.APPEALED}),
}

# An officer's decisions: what a review can end in other than asking for documents.
DECISIONS = ALLOWED_TRANSITIONS[S.IN_REVIEW] - {S.DOCUMENTS_REQUESTED}
# Sent (or appealed) and not decided yet: the claim pages show the decision's due date.
AWAITING_DECISION = frozenset({S.SUBMITTED, S.IN_REVIEW, S.DOCUMENTS_REQUESTED, S.APPEALED})
# A decision was made and its letter can be downloaded (an appealed claim keeps the first one's).
WITH_DECISION_LETTER = DECISIONS | {S.PAID, S.APPEALED}

# What the member reads about each status (timeline, e-mail).
STATUS_EXPLANATIONS = {
    S.DRAFT: gettext_lazy("Not sent yet: you can continue and submit it."),
    S.SUBMITTED: gettext_lazy("Received: a claims officer will review it."),
    S.IN_REVIEW: gettext_lazy("A claims officer is reviewing your claim."),
    S.DOCUMENTS_REQUESTED: gettext_lazy("More documents are needed: upload them on the claim page."),
    S.APPROVED: gettext_lazy("Approved: the payment to your bank account follows."),
    S.PARTLY_APPROVED: gettext_lazy("Partly approved: see the decision for the reasons."),
    S.REJECTED: gettext_lazy("Rejected: see the decision for the reason."),
    S.APPEALED: gettext_lazy("Your appeal was received: another officer will review the claim."),
    S.PAID: gettext_lazy("Paid to your bank account."),
}


# Moves whose note is a person's own words to the member (the officer's request or decision,
# the member's appeal). Other notes are the back office's record ("Review started by ...",
# the transfer reference) in the officer's language: the member reads the explanation instead.
MEMBER_NOTE_STATUSES = frozenset({S.DOCUMENTS_REQUESTED, S.APPROVED, S.PARTLY_APPROVED, S.REJECTED, S.APPEALED})


def member_note(change: ClaimStatusChange) -> str:
    """The note a member may read for a status change ("" when it is back-office text)."""
    return change.note if change.new_status in MEMBER_NOTE_STATUSES else ""


def member_actor_role(change: ClaimStatusChange) -> str:
    """Who made the move, by role: a member never sees a staff username."""
    if change.actor_id is None:
        return ""
    if change.actor.is_staff:
        return _("Claims officer")
    return ""


class IllegalTransition(Exception):
    """A status move not in ALLOWED_TRANSITIONS; .message is translated for the user."""

    def __init__(self, *, from_status: str, to_status: str):
        self.from_status = from_status
        self.to_status = to_status
        self.message = _("A claim that is %(old)s cannot become %(new)s.") % {
            "old": S(from_status).label.lower() if from_status in S.values else from_status,
            "new": S(to_status).label.lower() if to_status in S.values else to_status,
        }
        super().__init__(self.message)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def claim_transition(*, claim: Claim, to_status: str, actor=None, note: str = "") -> ClaimStatusChange:
    """Move the claim to `to_status` if the table allows it from its current (locked) status.

    The row is locked (select_for_update) so two officers, or an officer and the member,
    cannot both move the same claim; the check uses the status in the database, not the
    one in memory. `claim.status` is updated in place.
    """
    with transaction.atomic():
        current = Claim.objects.select_for_update().values_list("status", flat=True).get(pk=claim.pk)
        if not can_transition(current, to_status):
            raise IllegalTransition(from_status=current, to_status=to_status)
        claim.status = to_status
        claim.save(update_fields=["status", "updated_at"])
        change = ClaimStatusChange.objects.create(
            claim=claim, old_status=current, new_status=to_status, actor=actor, note=note, at=timezone.now()
        )
        claim_id, change_id = claim.pk, change.pk
        transaction.on_commit(lambda: _notify_member(claim_id=claim_id, change_id=change_id))
    return change


def claim_recipient(claim: Claim):
    """Who hears about a claim: the account that submitted it, else the account linked to the
    participant or to their principal (a dependent's claim goes to the principal)."""
    from satuklik.accounts.models import PolicyLink

    if claim.submitted_by_id:
        return claim.submitted_by
    member_ids = [claim.member_id]
    principal_id = Claim.objects.filter(pk=claim.pk).values_list("member__principal_id", flat=True).first()
    if principal_id:
        member_ids.append(principal_id)
    link = (
        PolicyLink.objects.filter(member_id__in=member_ids, status=PolicyLink.Status.ACTIVE)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return link.user if link else None


def _notify_member(*, claim_id: int, change_id: int) -> None:
    from satuklik.notifications import services as notifications

    claim = Claim.objects.select_related("member", "submitted_by").get(pk=claim_id)
    change = ClaimStatusChange.objects.get(pk=change_id)
    user = claim_recipient(claim)
    if user is None:
        return
    language = user.preferred_language or None
    with translation.override(language):
        status = str(S(change.new_status).label)
        explanation = str(STATUS_EXPLANATIONS.get(change.new_status, ""))
        context = {
            "name": user.display_name,
            "number": claim.number,
            "participant": claim.member.full_name,
            "status": status,
            "explanation": explanation,
            "note": member_note(change),
            "due_date": claim.decision_due_date,
            "submitted": change.old_status == S.DRAFT,
            "path": reverse("claims:detail", args=[claim.pk]),
        }
        title = _("Claim %(number)s: %(status)s") % {"number": claim.number, "status": status}
        note = member_note(change)
        body = explanation + (f"\n{note}" if note else "")
    with transaction.atomic():
        if user.email:
            notifications.email_send(to=user.email, template="claim_status", context=context, user=user)
        notifications.inbox_notify(user=user, title=title, body=body, link=context["path"])

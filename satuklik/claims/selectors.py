"""Reads of the member side of eClaim, always scoped to the person asking.

A member sees the claims of every participant linked to their account and of those
participants' dependents (a parent claims for a child); anything else is a 404.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import Http404

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.selectors import selected_member
from satuklik.claims import working_days
from satuklik.claims.models import (
    BankAccountUsed,
    Claim,
    ClaimDocument,
    ClaimItem,
    ClaimStatusChange,
    DocumentRequest,
    DocumentRequirement,
)
from satuklik.claims.workflow import AWAITING_DECISION
from satuklik.policies.models import BenefitItem, BenefitType, LimitPeriod, Member, PolicyType

S = Claim.Status


def _linked_member_ids(user):
    """A subquery: the members linked to the user's account (active links)."""
    return PolicyLink.objects.filter(user=user, status=PolicyLink.Status.ACTIVE).values("member_id")


def claims_visible_to(*, user):
    """Every claim the member may see: their participants' and those participants' dependents'."""
    if not user.is_authenticated:
        return Claim.objects.none()
    # The OR runs on the small members table (the linked participants and their
    # dependents); the claims are then found by member_id alone, so the
    # (member, -submitted_at) index serves the list even with 100,000 claims.
    linked = _linked_member_ids(user)
    # The ids are fetched first: given the members as a subquery, PostgreSQL hash-joined
    # every claim (41 ms with 100,000 claims); given the ids, it reads the index (5 ms).
    members = Member.objects.filter(Q(pk__in=linked) | Q(principal_id__in=linked)).order_by()
    # A draft is its author's until submitted: a spouse with an account of their own sees
    # claims about them once sent, never the other's unfinished draft (nor its bank account).
    return Claim.objects.filter(member_id__in=list(members.values_list("pk", flat=True))).exclude(
        Q(status=Claim.Status.DRAFT) & ~Q(submitted_by=user)
    )


def participants_for_claim(*, user) -> list[Member]:
    """Who the member can claim for under the selected policy: the member and, for a
    principal, their dependents (only participants with a plan), in the order a family is
    named: the principal, the spouse, then the children from the eldest."""
    member = selected_member(user=user)
    if member is None or member.policy.policy_type != PolicyType.GROUP:
        return []
    people = [member]
    if member.principal_id is None:
        people += list(
            Member.objects.filter(principal=member)
            .select_related("policy", "plan")
            .annotate(
                family_rank=Case(
                    When(relation=Member.Relation.SPOUSE, then=Value(0)),
                    When(relation=Member.Relation.CHILD, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("family_rank", "date_of_birth", "full_name")
        )
    return [person for person in people if person.plan_id]


def participant_get(*, user, member_id) -> Member:
    for person in participants_for_claim(user=user):
        if str(person.pk) == str(member_id):
            return person
    raise Http404("not a participant of this member")


# The types of care in the order members claim them most often: an outpatient visit far
# more often than a pair of glasses or a birth. The new-claim page offers them in this order.
CLAIM_FREQUENCY_ORDER = [
    BenefitType.OUTPATIENT,
    BenefitType.DENTAL,
    BenefitType.INPATIENT,
    BenefitType.OPTICAL,
    BenefitType.MATERNITY,
]


def _frequency_rank(benefit_type: str) -> tuple[int, str]:
    try:
        return CLAIM_FREQUENCY_ORDER.index(benefit_type), benefit_type
    except ValueError:
        return len(CLAIM_FREQUENCY_ORDER), benefit_type


def benefit_types_for(*, members) -> list[str]:
    """The benefit types any of these participants' plans cover, in one query, most often
    claimed first (CLAIM_FREQUENCY_ORDER)."""
    plan_ids = {member.plan_id for member in members if member.plan_id}
    types = set(BenefitItem.objects.filter(plan_id__in=plan_ids).values_list("benefit_type", flat=True))
    return sorted(types, key=_frequency_rank)


def benefit_items_by_plan(*, plan_ids) -> dict[int, dict[str, list[BenefitItem]]]:
    """The benefit items of these plans, by plan and benefit type, in one query."""
    grouped: dict[int, dict[str, list[BenefitItem]]] = {}
    claimable = BenefitItem.objects.filter(plan_id__in=plan_ids).exclude(limit_period=LimitPeriod.CEILING)
    for item in claimable.order_by("benefit_type", "sort_order", "code"):
        grouped.setdefault(item.plan_id, {}).setdefault(item.benefit_type, []).append(item)
    return grouped


def benefit_items_for(*, member, benefit_type):
    return (
        BenefitItem.objects.filter(plan_id=member.plan_id, benefit_type=benefit_type)
        .exclude(limit_period=LimitPeriod.CEILING)
        .order_by("sort_order", "code")
    )


def claim_list_for_member(*, user):
    """The member's claims, newest first, with what the list shows (participant) in the same query."""
    return (
        claims_visible_to(user=user)
        .select_related("member")
        .order_by(
            # Drafts (no submission time yet) first, then the newest submission.
            "-submitted_at",
            "-id",
        )
    )


def claim_get_for_member(*, user, claim_id) -> Claim:
    """One of the member's claims with its items, documents, history and requests; else 404."""
    try:
        claim_id = int(claim_id)
    except (TypeError, ValueError):
        raise Http404("no such claim") from None
    claim = (
        claims_visible_to(user=user)
        .select_related("member__policy", "member__principal", "provider", "duplicate_of", "rejection_reason_code")
        .prefetch_related(
            Prefetch("items", queryset=ClaimItem.objects.select_related("benefit_item", "reason_code")),
            Prefetch("documents", queryset=ClaimDocument.objects.select_related("requirement")),
            Prefetch("status_changes", queryset=ClaimStatusChange.objects.select_related("actor").order_by("at", "id")),
            Prefetch("document_requests", queryset=DocumentRequest.objects.order_by("requested_at", "id")),
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise Http404("no such claim")
    return claim


def document_get_for_download(*, user, document_id, as_staff: bool = False) -> ClaimDocument:
    """A document for its claim's member, or, with as_staff, for staff who may see claims
    (claims officers, customer service, administrators); 404 for anyone else.

    as_staff: the caller checked the staff's second factor (accounts.decorators.staff_capable);
    a staff account signed in with its password alone sees only its own claims' documents."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise Http404("no such document") from None
    documents = ClaimDocument.objects.select_related("claim")
    if not (as_staff and user.is_authenticated and user.is_staff and user.has_perm("claims.view_claim")):
        documents = documents.filter(claim__in=claims_visible_to(user=user))
    document = documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("no such document")
    return document


def checklist_for(*, claim) -> tuple[list[dict], list]:
    """The document checklist of the claim's type with the documents uploaded for each line,
    and the documents on no line of it (e.g. answering an officer's request)."""
    requirements = list(DocumentRequirement.objects.filter(benefit_type=claim.benefit_type, active=True))
    documents = list(claim.documents.all())
    rows = []
    for requirement in requirements:
        uploaded = [doc for doc in documents if doc.requirement_id == requirement.pk]
        rows.append({"requirement": requirement, "documents": uploaded, "done": bool(uploaded)})
    listed = {requirement.pk for requirement in requirements}
    others = [doc for doc in documents if doc.requirement_id not in listed]
    return rows, others


def bank_accounts_for(*, user):
    """The member's bank accounts, the last used first."""
    return BankAccountUsed.objects.filter(user=user).order_by("-last_used_at", "-verified_at", "-id")


def last_bank_account(*, user):
    return (
        BankAccountUsed.objects.filter(user=user, last_used_at__isnull=False).order_by("-last_used_at", "-id").first()
    )


def open_document_request(claim):
    requests = [row for row in claim.document_requests.all() if row.fulfilled_at is None]
    return requests[-1] if requests else None


def estimate_for(*, claim):
    """What the plan would pay and what the member would bear, by adjudication's own rules.

    Returns the adjudication Proposal (items with amount_proposed and reductions), or None
    while the claim has no items yet.
    """
    from satuklik.claims.adjudication import Line, estimate_lines

    items = list(claim.items.all())
    if not items:
        return None
    lines = [Line(item.pk, item.benefit_item, item.amount_claimed, item.quantity) for item in items]
    return estimate_lines(
        member=claim.member,
        benefit_type=claim.benefit_type,
        treatment_date=claim.treatment_date,
        lines=lines,
        exclude_claim_id=claim.pk,
    )


@dataclass(frozen=True)
class DecisionDue:
    """When the member can expect the decision, and the rule's number of working days."""

    date: datetime.date
    days: int  # working days from the (complete) submission or the appeal
    on_appeal: bool


def decision_due(claim) -> DecisionDue | None:
    """The decision's due date while the claim awaits one (workflow.AWAITING_DECISION), else None."""
    if claim.decision_due_date is None or claim.status not in AWAITING_DECISION:
        return None
    if claim.appeal_count:
        return DecisionDue(claim.decision_due_date, working_days.APPEAL_WORKING_DAYS, True)
    return DecisionDue(claim.decision_due_date, working_days.DECISION_WORKING_DAYS, False)

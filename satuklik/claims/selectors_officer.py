"""Reads for claims officers (back office pages and the officer API), with their joins.

Officers see every claim except drafts (a draft is the member's, not submitted yet).
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from satuklik.claims.models import Claim, ClaimDocument, ClaimItem, ClaimStatusChange

S = Claim.Status
# Waiting for an officer: the decision clock runs.
TO_DECIDE = (S.SUBMITTED, S.IN_REVIEW, S.APPEALED)
TO_PAY = (S.APPROVED, S.PARTLY_APPROVED)
QUEUE_STATUS_GROUPS = {"todo": TO_DECIDE, "to_pay": TO_PAY}


@dataclass(frozen=True)
class QueueFilters:
    status: str = "todo"  # "todo", "to_pay", "all" or one Claim.Status value
    overdue: bool = False
    duplicate: bool = False
    min_age_days: int | None = None  # submitted at least this many days ago
    amount_min: int | None = None
    amount_max: int | None = None
    assigned_to_me: bool = False
    search: str = ""  # claim number, participant number or name


def claim_queue(*, officer, filters: QueueFilters | None = None):
    """The work queue, the earliest due first, as a queryset of claims without joins.

    Lists take a page of it with claim_queue_page (ids first, then the rows with their joins).
    """
    filters = filters or QueueFilters()
    queryset = Claim.objects.exclude(status=S.DRAFT)
    if filters.status in QUEUE_STATUS_GROUPS:
        queryset = queryset.filter(status__in=QUEUE_STATUS_GROUPS[filters.status])
    elif filters.status in S.values:
        queryset = queryset.filter(status=filters.status)
    today = timezone.localdate()
    if filters.overdue:
        queryset = queryset.filter(status__in=TO_DECIDE, decision_due_date__lt=today)
    if filters.duplicate:
        queryset = queryset.filter(duplicate_of__isnull=False)
    if filters.min_age_days is not None:
        queryset = queryset.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=filters.min_age_days))
    if filters.amount_min is not None:
        queryset = queryset.filter(amount_claimed__gte=filters.amount_min)
    if filters.amount_max is not None:
        queryset = queryset.filter(amount_claimed__lte=filters.amount_max)
    if filters.assigned_to_me:
        queryset = queryset.filter(assigned_officer=officer)
    search = filters.search.strip()
    if search:
        queryset = queryset.filter(
            Q(number__iexact=search) | Q(member__participant_number=search) | Q(member__full_name__icontains=search)
        )
    return queryset.order_by("decision_due_date", "submitted_at", "id")


def claims_with_joins(ids) -> list[Claim]:
    """The claims of `ids`, in that order, with what a queue row shows (participant, officer,
    the claim it likely duplicates)."""
    ids = list(ids)
    rows = Claim.objects.filter(pk__in=ids).select_related("member", "assigned_officer", "duplicate_of")
    by_id = {claim.pk: claim for claim in rows.defer(*(f"duplicate_of__{name}" for name in _DUPLICATE_DEFERRED))}
    return [by_id[pk] for pk in ids if pk in by_id]


# Of the likely duplicate only its number is shown: the rest of that row is not loaded.
_DUPLICATE_DEFERRED = [
    field.name for field in Claim._meta.concrete_fields if field.name not in ("id", "number") and not field.is_relation
]


def claim_queue_page(*, officer, filters: QueueFilters | None = None, page_number=1, per_page=50):
    """(page, claims): one page of the queue. Three queries whatever the number of claims:
    the count, the page's ids in order (claims only, no join: the sort stays narrow even
    with 100,000 claims), and those claims with their joins."""
    paginator = Paginator(claim_queue(officer=officer, filters=filters).values_list("pk", flat=True), per_page)
    page = paginator.get_page(page_number)
    return page, claims_with_joins(page.object_list)


def claim_get_for_officer(*, claim_id: int) -> Claim:
    """One claim with everything its page shows (404 for a draft or an unknown id)."""
    queryset = Claim.objects.exclude(status=S.DRAFT).select_related(
        "member__policy",
        "member__plan",
        "member__principal",
        "submitted_by",
        "assigned_officer",
        "decided_by",
        "duplicate_of",
        "rejection_reason_code",
        "provider",
    )
    queryset = queryset.prefetch_related(
        Prefetch("items", queryset=ClaimItem.objects.select_related("benefit_item", "reason_code").order_by("id")),
        Prefetch(
            "documents", queryset=ClaimDocument.objects.select_related("requirement").order_by("uploaded_at", "id")
        ),
        Prefetch("status_changes", queryset=ClaimStatusChange.objects.select_related("actor").order_by("at", "id")),
        "document_requests",
    )
    return get_object_or_404(queryset, pk=claim_id)


def document_get_for_officer(*, document_id: int) -> ClaimDocument:
    return get_object_or_404(ClaimDocument.objects.exclude(claim__status=S.DRAFT), pk=document_id)

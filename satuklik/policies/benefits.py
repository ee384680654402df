"""What a participant's plan covers and what is left of it: plain functions, no views.

The rules (written down in docs/policies.md):
- The policy year runs from the policy's start date to the day before its next
  anniversary; yearly limits reset when a new policy year starts.
- "Used" is the sum of approved amounts of the participant's claims in
  ``claims.models.USAGE_STATUSES`` whose treatment date falls in the current policy
  year, up to the day asked about.
- A yearly limit is ``limit_amount`` when the limit period is per year, otherwise the
  item's ``annual_limit_amount`` (a yearly cap on top of a per-day/visit/case limit);
  remaining = yearly limit - used, never below zero. No yearly limit: no remaining.
- A count limit (one pair of glasses every 24 months) counts the claimed quantity in a
  rolling window of ``count_period_months`` ending on the day asked about (a use on
  10 March 2025 frees up on 10 March 2027); without a period, the window is the policy
  year. When the count is used up, the next eligible date is when the oldest use that
  blocks leaves the window.
- A ceiling (limit period ``CEILING``, e.g. the plan's "Inpatient annual limit") is the most
  paid in a policy year for all the items of its benefit type together: its "used" is the sum
  of those items' used amounts (ceiling_balance, the one function the benefits page, the
  estimate and adjudication use). It is never claimed itself.
- A waiting period starts with the participant's own coverage start date: the benefit
  can be used from ``member.start_date + waiting_period_days``.

benefit_usage_for_member() makes at most two queries whatever the number of items
and claims: the plan's items, and the participant's claim items in the window.
"""

import calendar
import datetime
from dataclasses import dataclass

from satuklik.policies.models import BenefitItem, LimitPeriod


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy_year_bounds(*, anchor: datetime.date, on_date: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The policy year containing on_date: (first day, last day), anniversaries on the anchor's day.

    A policy that starts on 29 February has its anniversary on 28 February in other years.
    Before the anchor itself, the first policy year is returned.
    """
    years = max(0, on_date.year - anchor.year)
    start = add_months(anchor, 12 * years)
    if start > on_date and years > 0:
        years -= 1
        start = add_months(anchor, 12 * years)
    end = add_months(anchor, 12 * (years + 1)) - datetime.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class BenefitUsage:
    """One benefit item of a participant's plan, as it stands on one day."""

    item: BenefitItem
    policy_year_start: datetime.date
    policy_year_end: datetime.date
    used_amount: int
    yearly_limit: int | None
    remaining_amount: int | None
    count_used: int
    count_remaining: int | None
    count_window_start: datetime.date | None
    next_eligible_date: datetime.date | None
    waiting_until: datetime.date | None

    @property
    def in_waiting_period(self) -> bool:
        return self.waiting_until is not None

    @property
    def count_exhausted(self) -> bool:
        return self.next_eligible_date is not None

    @property
    def exhausted(self) -> bool:
        return self.remaining_amount == 0 and self.yearly_limit is not None

    @property
    def available(self) -> bool:
        """Can the participant use this benefit on the day asked about?"""
        return not (self.in_waiting_period or self.count_exhausted or self.exhausted)


def yearly_limit_of(item: BenefitItem) -> int | None:
    if item.limit_period in (LimitPeriod.PER_YEAR, LimitPeriod.CEILING) and item.limit_amount is not None:
        return item.limit_amount
    return item.annual_limit_amount


@dataclass(frozen=True)
class CeilingBalance:
    """A benefit type's plan-wide annual ceiling in one policy year."""

    ceiling: BenefitItem
    used_amount: int

    @property
    def limit(self) -> int:
        return self.ceiling.limit_amount or 0

    @property
    def remaining_amount(self) -> int:
        return max(0, self.limit - self.used_amount)


def ceiling_of(items, benefit_type: str) -> BenefitItem | None:
    """The plan's ceiling for that benefit type among its items, if it has one."""
    return next((item for item in items if item.is_ceiling and item.benefit_type == benefit_type), None)


def ceiling_balance(
    *, ceiling: BenefitItem, used_by_item: dict[int, int], types_by_item: dict[int, str]
) -> CeilingBalance:
    """What is used and left of a ceiling: the policy year's used amounts of every item of its type.

    `used_by_item` holds the amounts used in the policy year per benefit item id (the caller
    reads them: this module does not know claims), `types_by_item` each item's benefit type.
    """
    used = sum(
        amount
        for item_id, amount in used_by_item.items()
        if item_id != ceiling.pk and types_by_item.get(item_id) == ceiling.benefit_type
    )
    return CeilingBalance(ceiling, used)


def _count_window_start(item, *, on_date, year_start):
    """The first day (exclusive) of the rolling count window, or the policy year (inclusive)."""
    if not item.count_limit:
        return None
    if item.count_period_months:
        return add_months(on_date, -item.count_period_months)
    return year_start - datetime.timedelta(days=1)


def benefit_usage_for_member(*, member, on_date: datetime.date, benefit_type: str | None = None) -> list[BenefitUsage]:
    """Every benefit item of the participant's plan (optionally of one type) with what is used and left.

    `member` should come with its policy loaded (select_related("policy")).
    """
    from satuklik.claims.models import USAGE_STATUSES, ClaimItem

    if member.plan_id is None:
        return []
    items = BenefitItem.objects.filter(plan_id=member.plan_id)
    if benefit_type:
        items = items.filter(benefit_type=benefit_type)
    items = list(items.order_by("benefit_type", "sort_order", "code"))
    if not items:
        return []

    year_start, year_end = policy_year_bounds(anchor=member.policy.start_date, on_date=on_date)
    windows = {item.pk: _count_window_start(item, on_date=on_date, year_start=year_start) for item in items}
    earliest = min([year_start] + [start + datetime.timedelta(days=1) for start in windows.values() if start])

    rows = ClaimItem.objects.filter(
        claim__member=member,
        claim__status__in=USAGE_STATUSES,
        claim__treatment_date__gte=earliest,
        claim__treatment_date__lte=on_date,
        benefit_item_id__in=[item.pk for item in items],
    ).values_list("benefit_item_id", "claim__treatment_date", "amount_approved", "quantity")

    used = dict.fromkeys(windows, 0)
    uses = {pk: [] for pk in windows}
    for item_id, treated_on, approved, quantity in rows:
        if treated_on >= year_start:
            used[item_id] += approved or 0
        window_start = windows[item_id]
        if window_start is not None and treated_on > window_start:
            uses[item_id].extend([treated_on] * quantity)

    types_by_item = {item.pk: item.benefit_type for item in items}
    for item in items:
        if item.is_ceiling:
            used[item.pk] = ceiling_balance(ceiling=item, used_by_item=used, types_by_item=types_by_item).used_amount

    result = []
    for item in items:
        yearly = yearly_limit_of(item)
        remaining = max(0, yearly - used[item.pk]) if yearly is not None else None

        count_used = len(uses[item.pk])
        count_remaining = next_eligible = None
        if item.count_limit:
            count_remaining = max(0, item.count_limit - count_used)
            if count_used >= item.count_limit:
                # The (used - limit + 1)-th oldest use must leave the window first.
                blocking = sorted(uses[item.pk])[count_used - item.count_limit]
                if item.count_period_months:
                    next_eligible = add_months(blocking, item.count_period_months)
                else:
                    next_eligible = year_end + datetime.timedelta(days=1)

        waiting_until = None
        if item.waiting_period_days:
            starts = member.start_date + datetime.timedelta(days=item.waiting_period_days)
            if on_date < starts:
                waiting_until = starts

        window_start = windows[item.pk]
        result.append(
            BenefitUsage(
                item=item,
                policy_year_start=year_start,
                policy_year_end=year_end,
                used_amount=used[item.pk],
                yearly_limit=yearly,
                remaining_amount=remaining,
                count_used=count_used,
                count_remaining=count_remaining,
                count_window_start=(window_start + datetime.timedelta(days=1)) if window_start else None,
                next_eligible_date=next_eligible,
                waiting_until=waiting_until,
            )
        )
    return result

"""What a participant's plan covers and what is left of it: plain functions, no views.

The rules (written down in docs/policies.md), in one place for the benefits page, the
member's estimate and adjudication (they all call item_balance and ceiling_balance):
- The policy year runs from the policy's start date to the day before its next
  anniversary; yearly limits reset when a new policy year starts.
- The balance is asked for a day (today on the benefits page, the treatment date in the
  estimate and adjudication). "Used" is the sum of approved amounts of the participant's
  claims in ``claims.models.USAGE_STATUSES`` treated in the policy year that holds the day:
  the whole year, so a claim treated before an earlier-decided one cannot pay past the limit.
- A yearly limit is ``limit_amount`` when the limit period is per year, otherwise the
  item's ``annual_limit_amount`` (a yearly cap on top of a per-day/visit/case limit);
  remaining = yearly limit - used, never below zero. No yearly limit: no remaining.
- A count limit (one pair of glasses every 24 months) counts the claimed quantity of uses
  less than ``count_period_months`` before or after the day (a use on 10 March 2025 blocks
  until 10 March 2027, and blocks a pair bought after 10 March 2023); without a period, the
  window is the policy year. When the count is used up, the next eligible date is when the
  oldest use that blocks leaves the window.
- A ceiling (limit period ``CEILING``, e.g. the plan's "Inpatient annual limit") is the most
  paid in a policy year for all the items of its benefit type together: its "used" is the sum
  of those items' used amounts. It is never claimed itself.
- A waiting period starts with the participant's own coverage start date: the benefit
  can be used from ``member.start_date + waiting_period_days``.

benefit_usage_for_member() makes at most two queries whatever the number of items
and claims: the plan's items, and the participant's claim items around the day.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from satuklik.core.dates import add_months
from satuklik.core.queries import sql_in_chunks
from satuklik.policies.models import BenefitItem, LimitPeriod


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
class Use:
    """A decided use of a benefit item by the participant (a line of a claim in USAGE_STATUSES)."""

    benefit_item_id: int
    treated_on: datetime.date
    amount_approved: int
    quantity: int


def yearly_limit_of(item: BenefitItem) -> int | None:
    if item.limit_period in (LimitPeriod.PER_YEAR, LimitPeriod.CEILING) and item.limit_amount is not None:
        return item.limit_amount
    return item.annual_limit_amount


@dataclass
class ItemBalance:
    """What is used and left of one benefit item for a use on one day.

    Not frozen: adjudication takes from it line by line within one claim.
    """

    policy_year_start: datetime.date
    policy_year_end: datetime.date
    used_amount: int
    yearly_limit: int | None
    remaining_amount: int | None  # None: no yearly limit
    count_used: int
    count_remaining: int | None  # None: no count limit
    count_window_start: datetime.date | None
    next_eligible_date: datetime.date | None


def _used_between(uses: list[Use], first: datetime.date, last: datetime.date) -> int:
    return sum(use.amount_approved for use in uses if first <= use.treated_on <= last)


def item_balance(
    item: BenefitItem, *, uses: list[Use], on_date: datetime.date, policy_start: datetime.date
) -> ItemBalance:
    """The balance of one item on a day, from the participant's uses of it (see the module docstring)."""
    year_start, year_end = policy_year_bounds(anchor=policy_start, on_date=on_date)
    used = _used_between(uses, year_start, year_end)
    yearly = yearly_limit_of(item)
    remaining = max(0, yearly - used) if yearly is not None else None
    count_used = 0
    count_remaining = window_start = next_eligible = None
    if item.count_limit:
        if item.count_period_months:
            after = add_months(on_date, -item.count_period_months)
            before = add_months(on_date, item.count_period_months)
            window_start = after + datetime.timedelta(days=1)
        else:
            after, before = year_start - datetime.timedelta(days=1), year_end + datetime.timedelta(days=1)
            window_start = year_start
        counted = sorted(
            day for use in uses if after < use.treated_on < before for day in [use.treated_on] * use.quantity
        )
        count_used = len(counted)
        count_remaining = max(0, item.count_limit - count_used)
        if count_used >= item.count_limit:
            # The (used - limit + 1)-th oldest use must leave the window first.
            blocking = counted[count_used - item.count_limit]
            if item.count_period_months:
                next_eligible = add_months(blocking, item.count_period_months)
            else:
                next_eligible = year_end + datetime.timedelta(days=1)
    return ItemBalance(
        year_start, year_end, used, yearly, remaining, count_used, count_remaining, window_start, next_eligible
    )


def waiting_until(item: BenefitItem, *, member_start: datetime.date, on_date: datetime.date) -> datetime.date | None:
    """The day the item can first be used, while on_date is still in its waiting period (else None)."""
    if not item.waiting_period_days:
        return None
    starts = member_start + datetime.timedelta(days=item.waiting_period_days)
    return starts if on_date < starts else None


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
    ceiling: BenefitItem,
    *,
    uses: dict[int, list[Use]],
    types_by_item: dict[int, str],
    on_date: datetime.date,
    policy_start: datetime.date,
) -> CeilingBalance:
    """What is used and left of a ceiling on a day: the policy year's used amounts of every item of its type.

    `uses` holds the participant's uses per benefit item id, `types_by_item` each item's benefit type.
    """
    year_start, year_end = policy_year_bounds(anchor=policy_start, on_date=on_date)
    used = sum(
        _used_between(item_uses, year_start, year_end)
        for item_id, item_uses in uses.items()
        if item_id != ceiling.pk and types_by_item.get(item_id) == ceiling.benefit_type
    )
    return CeilingBalance(ceiling, used)


def reach_days(items) -> int:
    """How far from a day earlier or later uses can matter: the policy year, or the longest count window."""
    months = max([item.count_period_months or 0 for item in items] + [12])
    return months * 31 + 1


def uses_by_member(
    members_dates: dict[int, list[datetime.date]], exclude_claim_ids=frozenset(), *, reach: int
) -> dict[int, dict[int, list[Use]]]:
    """{member_id: {benefit_item_id: [Use]}}: the members' decided claims within `reach` days of
    the dates, without the excluded claims (a claim never counts against itself)."""
    from satuklik.claims.models import USAGE_STATUSES, ClaimItem

    if not members_dates:
        return {}
    all_dates = [day for days in members_dates.values() for day in days]
    earliest = min(all_dates) - datetime.timedelta(days=reach)
    latest = max(all_dates) + datetime.timedelta(days=reach)
    result: dict[int, dict[int, list[Use]]] = defaultdict(lambda: defaultdict(list))
    for member_ids in sql_in_chunks(members_dates):
        rows = ClaimItem.objects.filter(
            claim__member_id__in=member_ids,
            claim__status__in=USAGE_STATUSES,
            claim__treatment_date__gte=earliest,
            claim__treatment_date__lte=latest,
        ).values_list(
            "claim__member_id", "claim_id", "benefit_item_id", "claim__treatment_date", "amount_approved", "quantity"
        )
        for member_id, claim_id, item_id, treated_on, approved, quantity in rows.iterator(chunk_size=5000):
            if claim_id in exclude_claim_ids:
                continue
            result[member_id][item_id].append(Use(item_id, treated_on, approved or 0, quantity))
    return result


@dataclass
class BenefitUsage(ItemBalance):
    """One benefit item of a participant's plan, as it stands on one day: its balance and waiting period."""

    item: BenefitItem
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
    def count_rule(self) -> str:
        return count_rule_text(self.item) if self.item.count_limit else ""

    @property
    def available(self) -> bool:
        """Can the participant use this benefit on the day asked about?"""
        return not (self.in_waiting_period or self.count_exhausted or self.exhausted)


def benefit_usage_for_member(*, member, on_date: datetime.date, benefit_type: str | None = None) -> list[BenefitUsage]:
    """Every benefit item of the participant's plan (optionally of one type) with what is used and left.

    `member` should come with its policy loaded (select_related("policy")).
    """
    if member.plan_id is None:
        return []
    items = BenefitItem.objects.filter(plan_id=member.plan_id)
    if benefit_type:
        items = items.filter(benefit_type=benefit_type)
    items = list(items.order_by("benefit_type", "sort_order", "code"))
    if not items:
        return []

    policy_start = member.policy.start_date
    uses = uses_by_member({member.pk: [on_date]}, reach=reach_days(items)).get(member.pk, {})
    types_by_item = {item.pk: item.benefit_type for item in items}
    result = []
    for item in items:
        balance = item_balance(item, uses=uses.get(item.pk, []), on_date=on_date, policy_start=policy_start)
        if item.is_ceiling:
            ceiling = ceiling_balance(
                item, uses=uses, types_by_item=types_by_item, on_date=on_date, policy_start=policy_start
            )
            balance.used_amount, balance.remaining_amount = ceiling.used_amount, ceiling.remaining_amount

        waiting = waiting_until(item, member_start=member.start_date, on_date=on_date)
        result.append(BenefitUsage(**vars(balance), item=item, waiting_until=waiting))
    return result


@dataclass(frozen=True)
class TypeSummary:
    """One benefit type of a participant's plan on one day: the whole type's yearly limit, used, remaining.

    The yearly limit is the type's ceiling (the plan's "Inpatient annual limit"); without a ceiling
    there is no limit for the type as a whole (each item keeps its own) and only the used amount shows.
    """

    benefit_type: str
    used_amount: int
    yearly_limit: int | None
    remaining_amount: int | None
    items: list  # the type's BenefitUsage rows, the ceiling left out

    @property
    def label(self) -> str:
        from satuklik.policies.models import BenefitType

        return BenefitType(self.benefit_type).label

    @property
    def used_percent(self) -> int:
        if not self.yearly_limit:
            return 0
        return min(100, round(100 * self.used_amount / self.yearly_limit))


def benefit_type_summaries(usages: list[BenefitUsage]) -> list[TypeSummary]:
    """The usages (from benefit_usage_for_member, any number of types) grouped into one summary per type,
    in the order of BenefitType; computed from them, without a query."""
    by_type: dict[str, list[BenefitUsage]] = {}
    for usage in usages:
        by_type.setdefault(usage.item.benefit_type, []).append(usage)
    summaries = []
    for benefit_type, rows in by_type.items():
        ceiling = next((row for row in rows if row.item.is_ceiling), None)
        items = [row for row in rows if not row.item.is_ceiling]
        if ceiling is not None:
            used, limit, remaining = ceiling.used_amount, ceiling.yearly_limit, ceiling.remaining_amount
        else:
            used, limit, remaining = sum(row.used_amount for row in items), None, None
        summaries.append(TypeSummary(benefit_type, used, limit, remaining, items))
    from satuklik.policies.models import BenefitType

    order = {value: index for index, value in enumerate(BenefitType.values)}
    return sorted(summaries, key=lambda summary: order.get(summary.benefit_type, len(order)))


def count_rule_text(item: BenefitItem) -> str:
    """How often an item with a count limit may be used, in a member's words:
    "Up to 365 days a year" (a per-day item), "Up to 4 visits a year", "Once every 2 years"."""
    from django.utils.translation import gettext, ngettext

    count, months = item.count_limit, item.count_period_months
    if count == 1:
        uses = gettext("Once")
    elif item.limit_period == LimitPeriod.PER_DAY:
        uses = ngettext("Up to %(count)s day", "Up to %(count)s days", count) % {"count": count}
    elif item.limit_period == LimitPeriod.PER_VISIT:
        uses = ngettext("Up to %(count)s visit", "Up to %(count)s visits", count) % {"count": count}
    else:
        uses = ngettext("Up to %(count)s time", "Up to %(count)s times", count) % {"count": count}
    if not months:
        return gettext("%(uses)s per policy year") % {"uses": uses}
    if months == 12:
        return gettext("%(uses)s a year") % {"uses": uses}
    if months % 12 == 0:
        return gettext("%(uses)s every %(years)s years") % {"uses": uses, "years": months // 12}
    return gettext("%(uses)s every %(months)s months") % {"uses": uses, "months": months}

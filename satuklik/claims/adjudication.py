"""Adjudication: what the plan pays for each item of a claim, and why the rest is not paid.

The rules, in the order they apply to each claim item (docs/claims-adjudication.md):

0. Claim-wide: coverage not active on the treatment date (participant or policy) ->
   nothing is payable (NOT_ACTIVE); the claim's benefit type is not in the
   participant's plan -> nothing is payable (NOT_COVERED).
1. Not covered: the benefit item is not in the participant's plan, or of another
   benefit type than the claim -> 0 (NOT_COVERED).
2. Waiting period: treated before ``member.start_date + waiting_period_days`` -> 0
   (WAITING_PERIOD).
3. Count limit (frequency): at most ``count_limit`` uses (the claimed quantity) in a
   rolling window of ``count_period_months`` (else the policy year), counting the
   participant's other decided claims and the earlier lines of this claim; the lines over
   the count are not paid, pro rata of the quantity (LIMIT_COUNT).
4. Amount limit per period: per day (x days) and per visit (x visits) per line, per case
   once for all the lines of the item in the claim. Over an inpatient per-day limit the
   member chose a room class above the entitlement: EXCESS_ROOM; otherwise LIMIT_AMOUNT.
   A per-year limit is the annual ceiling of step 7.
5. Deductible: ``deductible_amount`` once per benefit item per claim (per visit or
   case), borne by the member (DEDUCTIBLE).
6. Co-payment: ``copay_percent`` of what is left, borne by the member; the plan pays
   the rest rounded down to the rupiah (COPAY).
7. Annual ceiling: the yearly limit of the item (``limit_amount`` per year, else
   ``annual_limit_amount``) minus what the participant already used in the policy year
   of the treatment date - the same running balance as the benefits page - minus what
   earlier lines of this claim take (LIMIT_ANNUAL).

"Used" counts the approved amounts of the participant's other claims in
``USAGE_STATUSES`` treated in the same policy year (the claim itself never counts, so an
appealed claim is adjudicated afresh). The balances of steps 3, 7 and 8 are
satuklik.policies.benefits' ``item_balance`` and ``ceiling_balance``, the functions the
benefits page calls; a test checks that the page, the estimate and adjudication agree.

The rules are pure functions of plain data (``adjudicate_lines``); ``adjudicate_claims``
loads what they need for any number of claims in a fixed number of bulk queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from satuklik.core.money import format_rupiah
from satuklik.core.queries import sql_in_chunks
from satuklik.policies.benefits import (
    ItemBalance,
    Use,
    ceiling_balance,
    ceiling_of,
    item_balance,
    reach_days,
    uses_by_member,
    waiting_until,
    yearly_limit_of,
)
from satuklik.policies.cover import cover_in_force, cover_in_force_on
from satuklik.policies.models import BenefitItem, BenefitType, LimitPeriod


class Reason:
    """The reason codes of the shared ReasonCode list that adjudication proposes."""

    LIMIT_AMOUNT = "LIMIT_AMOUNT"
    LIMIT_ANNUAL = "LIMIT_ANNUAL"
    LIMIT_COUNT = "LIMIT_COUNT"
    WAITING_PERIOD = "WAITING_PERIOD"
    DEDUCTIBLE = "DEDUCTIBLE"
    COPAY = "COPAY"
    NOT_COVERED = "NOT_COVERED"
    EXCESS_ROOM = "EXCESS_ROOM"
    NOT_ACTIVE = "NOT_ACTIVE"
    OFFICER_ADJUSTMENT = "OFFICER_ADJUSTMENT"


# The order in which the reductions apply (and are listed on the decision letter).
ORDER = (
    Reason.NOT_ACTIVE,
    Reason.NOT_COVERED,
    Reason.WAITING_PERIOD,
    Reason.LIMIT_COUNT,
    Reason.EXCESS_ROOM,
    Reason.LIMIT_AMOUNT,
    Reason.DEDUCTIBLE,
    Reason.COPAY,
    Reason.LIMIT_ANNUAL,
)


@dataclass(frozen=True)
class Line:
    """One claimed line: a benefit item, the amount charged and the days/visits/units."""

    key: object  # the ClaimItem's id, or the line's index for an unsaved draft
    benefit_item: BenefitItem
    amount_claimed: int
    quantity: int = 1


@dataclass(frozen=True)
class Reduction:
    code: str
    amount: int
    # Figures for the words: the limit, days, percent, what was used before...
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "amount": self.amount, "detail": self.detail}


@dataclass
class ItemProposal:
    key: object
    benefit_item: BenefitItem
    amount_claimed: int
    quantity: int
    amount_proposed: int
    reductions: list[Reduction]

    @property
    def reason_code(self) -> str | None:
        """The main reason: the largest reduction (the first of equal ones)."""
        if not self.reductions:
            return None
        return max(self.reductions, key=lambda r: (r.amount, -ORDER.index(r.code))).code

    @property
    def member_share(self) -> int:
        return self.amount_claimed - self.amount_proposed


@dataclass
class Proposal:
    claim_id: int | None
    items: list[ItemProposal]
    claim_reason: str | None = None  # NOT_ACTIVE or NOT_COVERED when the whole claim is refused
    # The plan's annual ceiling of the benefit type and what was left of it before this claim.
    ceiling_limit: int | None = None
    ceiling_remaining: int | None = None

    @property
    def amount_claimed(self) -> int:
        return sum(item.amount_claimed for item in self.items)

    @property
    def amount_proposed(self) -> int:
        return sum(item.amount_proposed for item in self.items)

    @property
    def member_share(self) -> int:
        return self.amount_claimed - self.amount_proposed

    def item(self, key) -> ItemProposal:
        return next(item for item in self.items if item.key == key)


# --- the rules, on plain data -------------------------------------------------------------


def is_room(item: BenefitItem) -> bool:
    """An inpatient per-day item is a room (room and board, ICU): over its rate is a higher room class."""
    return item.benefit_type == BenefitType.INPATIENT and item.limit_period == LimitPeriod.PER_DAY


class _Step:
    """The payable amount of one line as the rules reduce it, with each reduction."""

    def __init__(self, claimed: int):
        self.payable = claimed
        self.reductions: list[Reduction] = []

    def reduce(self, code: str, new_payable: int, **detail):
        new_payable = max(0, new_payable)
        if new_payable < self.payable:
            self.reductions.append(Reduction(code, self.payable - new_payable, detail))
            self.payable = new_payable


def adjudicate_lines(
    *,
    lines: list[Line],
    benefit_type: str,
    treatment_date: datetime.date,
    member_start: datetime.date,
    plan_id: int | None,
    plan_benefit_types: set[str],
    policy_start: datetime.date,
    covered: bool,
    uses: dict[int, list[Use]],
    claim_id: int | None = None,
    ceiling: BenefitItem | None = None,
    types_by_item: dict[int, str] | None = None,
) -> Proposal:
    """The proposal for one claim, from plain data (no queries). See the module docstring.

    `ceiling` is the plan's annual ceiling of the benefit type (if any), `types_by_item` the
    benefit type of every item the uses name, to count what the ceiling has used.
    """
    claim_reason = None
    if not covered:
        claim_reason = Reason.NOT_ACTIVE
    elif plan_id is None or benefit_type not in plan_benefit_types:
        claim_reason = Reason.NOT_COVERED
    if claim_reason:
        items = [
            ItemProposal(
                line.key,
                line.benefit_item,
                line.amount_claimed,
                line.quantity,
                0,
                [Reduction(claim_reason, line.amount_claimed)] if line.amount_claimed else [],
            )
            for line in lines
        ]
        return Proposal(claim_id, items, claim_reason)

    ceiling_left = ceiling_used = None
    if ceiling is not None:
        standing = ceiling_balance(
            ceiling, uses=uses, types_by_item=types_by_item or {}, on_date=treatment_date, policy_start=policy_start
        )
        ceiling_left, ceiling_used = standing.remaining_amount, standing.used_amount
    # What is left of each item for this claim, taken line by line.
    balances: dict[int, ItemBalance] = {}
    case_left: dict[int, int] = {}  # per-case limit left for this claim, per benefit item
    deductible_left: dict[int, int] = {}  # deductible still to bear in this claim, per item
    items = []
    for line in lines:
        item = line.benefit_item
        claimed = line.amount_claimed
        quantity = max(1, line.quantity)
        step = _Step(claimed)
        reduce = step.reduce

        # 1. not covered
        if item.plan_id != plan_id or item.benefit_type != benefit_type:
            reduce(Reason.NOT_COVERED, 0)
            items.append(ItemProposal(line.key, item, claimed, line.quantity, step.payable, step.reductions))
            continue
        # 2. waiting period
        waiting = waiting_until(item, member_start=member_start, on_date=treatment_date)
        if waiting:
            reduce(Reason.WAITING_PERIOD, 0, until=waiting.isoformat(), days=item.waiting_period_days)
            items.append(ItemProposal(line.key, item, claimed, line.quantity, step.payable, step.reductions))
            continue
        if item.pk not in balances:
            balances[item.pk] = item_balance(
                item, uses=uses.get(item.pk, []), on_date=treatment_date, policy_start=policy_start
            )
        balance = balances[item.pk]
        # 3. count limit
        allowed = quantity
        if balance.count_remaining is not None:
            allowed = min(quantity, balance.count_remaining)
            if allowed < quantity:
                reduce(
                    Reason.LIMIT_COUNT,
                    step.payable * allowed // quantity,
                    limit=item.count_limit,
                    months=item.count_period_months,
                    used=balance.count_used,
                )
            balance.count_remaining -= allowed
            balance.count_used += allowed
        # 4. amount limit per day / visit / case
        if item.limit_amount is not None and step.payable:
            if item.limit_period in (LimitPeriod.PER_DAY, LimitPeriod.PER_VISIT):
                cap = item.limit_amount * allowed
                code = Reason.EXCESS_ROOM if is_room(item) else Reason.LIMIT_AMOUNT
                reduce(code, min(step.payable, cap), limit=item.limit_amount, period=item.limit_period, times=allowed)
            elif item.limit_period == LimitPeriod.PER_CASE:
                left = case_left.setdefault(item.pk, item.limit_amount)
                reduce(Reason.LIMIT_AMOUNT, min(step.payable, left), limit=item.limit_amount, period=item.limit_period)
                case_left[item.pk] = left - step.payable
        # 5. deductible
        if item.deductible_amount and step.payable:
            left = deductible_left.setdefault(item.pk, item.deductible_amount)
            borne = min(left, step.payable)
            reduce(Reason.DEDUCTIBLE, step.payable - borne, deductible=item.deductible_amount)
            deductible_left[item.pk] = left - borne
        # 6. co-payment
        if item.copay_percent and step.payable:
            reduce(Reason.COPAY, step.payable * (100 - item.copay_percent) // 100, percent=item.copay_percent)
        # 7. annual ceiling
        if balance.remaining_amount is not None:
            reduce(
                Reason.LIMIT_ANNUAL,
                min(step.payable, balance.remaining_amount),
                yearly_limit=yearly_limit_of(item),
                used=balance.used_amount,
            )
            balance.remaining_amount -= step.payable
            balance.used_amount += step.payable
        # 8. the plan-wide annual ceiling of the benefit type (all its items together)
        if ceiling_left is not None:
            reduce(
                Reason.LIMIT_ANNUAL,
                min(step.payable, ceiling_left),
                yearly_limit=ceiling.limit_amount,
                used=ceiling_used,
            )
            ceiling_left -= step.payable
            ceiling_used += step.payable
        items.append(ItemProposal(line.key, item, claimed, line.quantity, step.payable, step.reductions))
    if ceiling is None:
        return Proposal(claim_id, items)
    return Proposal(claim_id, items, ceiling_limit=ceiling.limit_amount, ceiling_remaining=standing.remaining_amount)


def _day(value) -> str:
    """An ISO date kept in a reason's detail, as the member reads dates: dd/mm/yyyy."""
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value or ""


def describe_reduction(reduction: Reduction | dict) -> str:
    """The reduction in words, in the active language (for the back office and the letter)."""
    if isinstance(reduction, dict):
        code, amount, detail = reduction["code"], reduction["amount"], reduction.get("detail") or {}
    else:
        code, amount, detail = reduction.code, reduction.amount, reduction.detail
    money = format_rupiah(amount)
    limit = format_rupiah(detail.get("limit"))
    period = detail.get("period")
    if code == Reason.NOT_ACTIVE:
        return _("Coverage was not active on the treatment date: %(amount)s not paid.") % {"amount": money}
    if code == Reason.NOT_COVERED:
        return _("Not covered by the participant's plan: %(amount)s not paid.") % {"amount": money}
    if code == Reason.WAITING_PERIOD:
        return _("Waiting period of %(days)s days (covered from %(until)s): %(amount)s not paid.") % {
            "days": detail.get("days"),
            "until": _day(detail.get("until")),
            "amount": money,
        }
    if code == Reason.LIMIT_COUNT:
        if detail.get("months"):
            text = _("Count limit of %(limit)s per %(months)s months reached: %(amount)s not paid.")
        else:
            text = _("Count limit of %(limit)s per policy year reached: %(amount)s not paid.")
        return text % {"limit": detail.get("limit"), "months": detail.get("months"), "amount": money}
    if code == Reason.EXCESS_ROOM:
        return _(
            "Room above the entitlement of %(limit)s per day x %(times)s days: the excess %(amount)s is borne by "
            "the participant."
        ) % {"limit": limit, "times": detail.get("times"), "amount": money}
    if code == Reason.LIMIT_AMOUNT:
        if period == LimitPeriod.PER_DAY:
            text = _("Over the limit of %(limit)s per day x %(times)s: %(amount)s not paid.")
        elif period == LimitPeriod.PER_VISIT:
            text = _("Over the limit of %(limit)s per visit x %(times)s: %(amount)s not paid.")
        else:
            text = _("Over the limit of %(limit)s per case: %(amount)s not paid.")
        return text % {"limit": limit, "times": detail.get("times"), "amount": money}
    if code == Reason.DEDUCTIBLE:
        return _("Deductible of %(deductible)s borne by the participant: %(amount)s.") % {
            "deductible": format_rupiah(detail.get("deductible")),
            "amount": money,
        }
    if code == Reason.COPAY:
        return _("Co-payment of %(percent)s%% borne by the participant: %(amount)s.") % {
            "percent": detail.get("percent"),
            "amount": money,
        }
    if code == Reason.LIMIT_ANNUAL:
        return _("Annual limit of %(limit)s (%(used)s used before): %(amount)s not paid.") % {
            "limit": format_rupiah(detail.get("yearly_limit")),
            "used": format_rupiah(detail.get("used")),
            "amount": money,
        }
    return _("%(code)s: %(amount)s not paid.") % {"code": code, "amount": money}


# --- loading in bulk -----------------------------------------------------------------------


def _benefit_items(plan_ids, extra_item_ids=()) -> dict[int, BenefitItem]:
    """The plans' benefit items (and any other claimed ones) by id, each loaded once."""
    items: dict[int, BenefitItem] = {}
    for chunk in sql_in_chunks(plan_ids):
        items.update((item.pk, item) for item in BenefitItem.objects.filter(plan_id__in=chunk))
    missing = set(extra_item_ids) - set(items)
    for chunk in sql_in_chunks(missing):
        items.update((item.pk, item) for item in BenefitItem.objects.filter(pk__in=chunk))
    return items


CLAIM_FIELDS = (
    "pk",
    "benefit_type",
    "treatment_date",
    "member_id",
    "member__plan_id",
    "member__start_date",
    "member__end_date",
    "member__status",
    "member__policy__start_date",
    "member__policy__end_date",
    "member__policy__status",
)


def adjudicate_claims(claims) -> dict[int, Proposal]:
    """Proposals for many saved claims: {claim id: Proposal}.

    Queries, in chunks of 2,000 ids, never one per claim: the claims with their
    participant's and policy's dates (plain values), their items, the plans' benefit
    items, the participants' decided claims around the treatment dates.
    """
    from satuklik.claims.models import Claim, ClaimItem

    ids = [claim.pk if isinstance(claim, Claim) else int(claim) for claim in claims]
    if not ids:
        return {}
    rows: dict[int, tuple] = {}
    item_rows: dict[int, list[tuple]] = defaultdict(list)
    for chunk in sql_in_chunks(ids):
        rows.update((row[0], row) for row in Claim.objects.filter(pk__in=chunk).values_list(*CLAIM_FIELDS))
        for claim_id, *row in (
            ClaimItem.objects.filter(claim_id__in=chunk)
            .order_by("claim_id", "id")
            .values_list("claim_id", "pk", "benefit_item_id", "amount_claimed", "quantity")
        ):
            item_rows[claim_id].append(row)
    plan_ids = {row[4] for row in rows.values() if row[4]}
    claimed_item_ids = {row[1] for lines in item_rows.values() for row in lines}
    benefit_items = _benefit_items(plan_ids, claimed_item_ids)
    plan_types: dict[int, set[str]] = defaultdict(set)
    plan_items: dict[int, list[BenefitItem]] = defaultdict(list)
    for item in benefit_items.values():
        plan_types[item.plan_id].add(item.benefit_type)
        plan_items[item.plan_id].append(item)
    types_by_item = {item.pk: item.benefit_type for item in benefit_items.values()}
    members_dates: dict[int, list[datetime.date]] = defaultdict(list)
    for row in rows.values():
        members_dates[row[3]].append(row[2])
    uses = uses_by_member(members_dates, set(rows), reach=reach_days(benefit_items.values()))
    result = {}
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        _pk, benefit_type, treated_on, member_id, plan_id, start, end, status, p_start, p_end, p_status = row
        result[pk] = adjudicate_lines(
            lines=[
                Line(item_pk, benefit_items[item_id], claimed, quantity)
                for item_pk, item_id, claimed, quantity in item_rows[pk]
            ],
            benefit_type=benefit_type,
            treatment_date=treated_on,
            member_start=start,
            plan_id=plan_id,
            plan_benefit_types=plan_types.get(plan_id, set()),
            policy_start=p_start,
            covered=cover_in_force_on(
                member_status=status,
                member_start=start,
                member_end=end,
                policy_status=p_status,
                policy_start=p_start,
                policy_end=p_end,
                on_date=treated_on,
            ),
            uses=uses.get(member_id, {}),
            claim_id=pk,
            ceiling=ceiling_of(plan_items.get(plan_id, ()), benefit_type),
            types_by_item=types_by_item,
        )
    return result


def adjudicate_claim(*, claim) -> Proposal:
    """The proposal for one saved claim (its items as saved)."""
    return adjudicate_claims([claim])[claim.pk]


def estimate_lines(
    *, member, benefit_type: str, treatment_date: datetime.date, lines: list[Line], exclude_claim_id=None
) -> Proposal:
    """The same rules for lines not saved yet (the member's review step before "Submit Claim")."""
    plan_items = _benefit_items([member.plan_id]) if member.plan_id else {}
    uses = uses_by_member(
        {member.pk: [treatment_date]},
        {exclude_claim_id} if exclude_claim_id else set(),
        reach=reach_days(plan_items.values()),
    )
    return adjudicate_lines(
        lines=lines,
        benefit_type=benefit_type,
        treatment_date=treatment_date,
        member_start=member.start_date,
        plan_id=member.plan_id,
        plan_benefit_types={item.benefit_type for item in plan_items.values()},
        policy_start=member.policy.start_date,
        covered=cover_in_force(member, treatment_date),
        uses=uses.get(member.pk, {}),
        claim_id=exclude_claim_id,
        ceiling=ceiling_of(plan_items.values(), benefit_type),
        types_by_item={item.pk: item.benefit_type for item in plan_items.values()},
    )

"""Benefit usage: limits, used, remaining, count limits, waiting periods, policy years.

Every expected amount is worked out by hand in the comments next to it.
"""

import datetime
import itertools

import pytest

from satuklik.claims.models import Claim, ClaimItem
from satuklik.core.dates import add_months
from satuklik.policies.benefits import benefit_usage_for_member, policy_year_bounds
from satuklik.policies.models import BenefitItem, BenefitType, LimitPeriod, Member, Plan, Policy

D = datetime.date
_numbers = itertools.count(1)
NEW_YEAR_2025 = D(2025, 1, 1)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 3, 10), 24) == D(2027, 3, 10)
    assert add_months(D(2025, 3, 10), -24) == D(2023, 3, 10)
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)


@pytest.mark.parametrize(
    ("anchor", "on_date", "expected"),
    [
        # Starts 1 July 2024: the year from 1 July 2025 to 30 June 2026 holds 1 January 2026.
        (D(2024, 7, 1), D(2026, 1, 1), (D(2025, 7, 1), D(2026, 6, 30))),
        (D(2024, 7, 1), D(2025, 6, 30), (D(2024, 7, 1), D(2025, 6, 30))),
        (D(2024, 7, 1), D(2025, 7, 1), (D(2025, 7, 1), D(2026, 6, 30))),
        # A leap-day start: the anniversary is 28 February in other years.
        (D(2024, 2, 29), D(2025, 2, 27), (D(2024, 2, 29), D(2025, 2, 27))),
        (D(2024, 2, 29), D(2025, 2, 28), (D(2025, 2, 28), D(2026, 2, 27))),
        # Asked about a day before the policy starts: its first year.
        (D(2024, 7, 1), D(2024, 1, 1), (D(2024, 7, 1), D(2025, 6, 30))),
    ],
)
def test_policy_year_is_anchored_on_the_policy_start_date(anchor, on_date, expected):
    assert policy_year_bounds(anchor=anchor, on_date=on_date) == expected


# --- with the database ------------------------------------------------------------------


def make_member(*, policy_start=NEW_YEAR_2025, member_start=None, plan=None):
    n = next(_numbers)
    policy = Policy.objects.create(
        number=f"BEN{n:05d}", policy_type="GROUP", start_date=policy_start, holder_name="PT ABCDE SEJATI"
    )
    plan = plan or Plan.objects.create(code=f"PLAN{n}", name="Plan A", policy=policy)
    return Member.objects.create(
        policy=policy,
        participant_number=f"P{n:06d}",
        full_name="JANE RAILEY",
        date_of_birth=D(1990, 12, 1),
        gender="F",
        plan=plan,
        start_date=member_start or policy_start,
    )


def make_item(plan, code, benefit_type=BenefitType.OUTPATIENT, **fields):
    return BenefitItem.objects.create(plan=plan, benefit_type=benefit_type, code=code, name=code, **fields)


def make_claim(member, item, *, on, approved, claimed=None, quantity=1, status=Claim.Status.PAID):
    claim = Claim.objects.create(
        number=f"CLM{next(_numbers):07d}",
        member=member,
        benefit_type=item.benefit_type,
        status=status,
        treatment_date=on,
    )
    ClaimItem.objects.create(
        claim=claim,
        benefit_item=item,
        amount_claimed=claimed if claimed is not None else (approved or 0),
        amount_approved=approved,
        quantity=quantity,
    )
    return claim


def usage_of(member, on_date, code):
    member = Member.objects.select_related("policy").get(pk=member.pk)
    return next(u for u in benefit_usage_for_member(member=member, on_date=on_date) if u.item.code == code)


@pytest.mark.django_db
def test_yearly_limit_minus_approved_amounts_of_counted_claims():
    member = make_member()
    item = make_item(member.plan, "OP-GP", limit_amount=5_000_000, limit_period=LimitPeriod.PER_YEAR, copay_percent=20)
    make_claim(member, item, on=D(2025, 2, 3), approved=350_000, claimed=400_000)
    make_claim(member, item, on=D(2025, 3, 4), approved=180_000, status=Claim.Status.APPROVED)
    make_claim(member, item, on=D(2025, 3, 9), approved=90_000, status=Claim.Status.PARTLY_APPROVED)
    # Not counted: rejected, still in review, a draft.
    make_claim(member, item, on=D(2025, 3, 5), approved=0, claimed=500_000, status=Claim.Status.REJECTED)
    make_claim(member, item, on=D(2025, 3, 6), approved=None, claimed=700_000, status=Claim.Status.IN_REVIEW)
    make_claim(member, item, on=D(2025, 3, 7), approved=None, claimed=100_000, status=Claim.Status.DRAFT)
    # Someone else's claim on the same plan.
    other = make_member(plan=member.plan)
    make_claim(other, item, on=D(2025, 3, 8), approved=1_000_000)

    usage = usage_of(member, D(2025, 4, 1), "OP-GP")
    # 350,000 + 180,000 + 90,000 = 620,000 used; 5,000,000 - 620,000 = 4,380,000 left.
    assert usage.used_amount == 620_000
    assert usage.yearly_limit == 5_000_000
    assert usage.remaining_amount == 4_380_000
    assert usage.available


@pytest.mark.django_db
@pytest.mark.parametrize("status", Claim.Status.values)
def test_a_claim_counts_as_used_once_decided_and_not_rejected(status):
    member = make_member()
    item = make_item(member.plan, "OP", limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    make_claim(member, item, on=D(2025, 2, 3), approved=400_000, status=status)
    counted = status in ("APPROVED", "PARTLY", "APPEALED", "PAID")
    assert usage_of(member, D(2025, 3, 1), "OP").used_amount == (400_000 if counted else 0)


@pytest.mark.django_db
def test_annual_limits_reset_with_the_policy_year():
    # Policy year from 1 July to 30 June.
    member = make_member(policy_start=D(2024, 7, 1))
    item = make_item(member.plan, "OP", limit_amount=2_000_000, limit_period=LimitPeriod.PER_YEAR)
    make_claim(member, item, on=D(2025, 6, 30), approved=1_500_000)
    make_claim(member, item, on=D(2025, 7, 1), approved=300_000)

    before = usage_of(member, D(2025, 6, 30), "OP")
    assert (before.policy_year_start, before.policy_year_end) == (D(2024, 7, 1), D(2025, 6, 30))
    # Only the 30 June claim: 2,000,000 - 1,500,000 = 500,000.
    assert (before.used_amount, before.remaining_amount) == (1_500_000, 500_000)

    after = usage_of(member, D(2025, 7, 2), "OP")
    # A new year: only the 1 July claim counts: 2,000,000 - 300,000 = 1,700,000.
    assert (after.used_amount, after.remaining_amount) == (300_000, 1_700_000)


@pytest.mark.django_db
def test_remaining_never_goes_below_zero():
    member = make_member()
    item = make_item(member.plan, "OP", limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    make_claim(member, item, on=D(2025, 2, 1), approved=1_200_000)
    usage = usage_of(member, D(2025, 3, 1), "OP")
    assert usage.used_amount == 1_200_000
    assert usage.remaining_amount == 0
    assert usage.exhausted and not usage.available


@pytest.mark.django_db
def test_per_day_limit_with_an_annual_cap_counts_against_the_cap():
    member = make_member()
    room = make_item(
        member.plan,
        "IP-RB",
        BenefitType.INPATIENT,
        limit_amount=500_000,
        limit_period=LimitPeriod.PER_DAY,
        annual_limit_amount=20_000_000,
    )
    # 3 days at 500,000 = 1,500,000, then 2 days at 450,000 = 900,000.
    make_claim(member, room, on=D(2025, 2, 1), approved=1_500_000, quantity=3)
    make_claim(member, room, on=D(2025, 5, 1), approved=900_000, quantity=2)
    usage = usage_of(member, D(2025, 6, 1), "IP-RB")
    # 20,000,000 - (1,500,000 + 900,000) = 17,600,000.
    assert usage.yearly_limit == 20_000_000
    assert usage.used_amount == 2_400_000
    assert usage.remaining_amount == 17_600_000


@pytest.mark.django_db
def test_per_visit_limit_without_a_yearly_cap_has_no_remaining():
    member = make_member()
    item = make_item(member.plan, "OP-SP", limit_amount=750_000, limit_period=LimitPeriod.PER_VISIT)
    make_claim(member, item, on=D(2025, 2, 1), approved=600_000)
    usage = usage_of(member, D(2025, 3, 1), "OP-SP")
    assert usage.used_amount == 600_000
    assert usage.yearly_limit is None
    assert usage.remaining_amount is None
    assert usage.available


@pytest.mark.django_db
def test_glasses_once_every_two_years():
    # The policy renews every 1 January; the glasses window is rolling, not per policy year.
    member = make_member(policy_start=D(2024, 1, 1))
    glasses = make_item(
        member.plan,
        "OPT-FRAME",
        BenefitType.OPTICAL,
        limit_amount=1_000_000,
        limit_period=LimitPeriod.PER_CASE,
        count_limit=1,
        count_period_months=24,
    )
    fresh = usage_of(member, D(2024, 3, 9), "OPT-FRAME")
    assert (fresh.count_used, fresh.count_remaining, fresh.next_eligible_date) == (0, 1, None)

    make_claim(member, glasses, on=D(2024, 3, 10), approved=950_000)
    # Adjudication's window too: a pair bought the day before an already-paid one is not due.
    assert usage_of(member, D(2024, 3, 9), "OPT-FRAME").count_remaining == 0

    used = usage_of(member, D(2025, 6, 1), "OPT-FRAME")
    # A new policy year (2025) but the pair of 10 March 2024 still counts until 10 March 2026.
    assert used.used_amount == 0
    assert (used.count_used, used.count_remaining) == (1, 0)
    assert used.next_eligible_date == D(2026, 3, 10)
    assert not used.available

    last_day = usage_of(member, D(2026, 3, 9), "OPT-FRAME")
    assert last_day.next_eligible_date == D(2026, 3, 10)

    eligible = usage_of(member, D(2026, 3, 10), "OPT-FRAME")
    assert (eligible.count_used, eligible.count_remaining, eligible.next_eligible_date) == (0, 1, None)
    assert eligible.available


@pytest.mark.django_db
def test_count_limit_of_several_uses_frees_up_when_the_oldest_blocking_use_leaves_the_window():
    member = make_member(policy_start=D(2025, 1, 1))
    dental = make_item(member.plan, "DEN", BenefitType.DENTAL, count_limit=2, count_period_months=12)
    make_claim(member, dental, on=D(2025, 2, 1), approved=100_000)
    make_claim(member, dental, on=D(2025, 5, 1), approved=100_000)
    make_claim(member, dental, on=D(2025, 8, 1), approved=100_000, status=Claim.Status.REJECTED)

    usage = usage_of(member, D(2025, 9, 1), "DEN")
    # Two counted uses in the 12 months to 1 September 2025 (the rejected one is not):
    # the 1 February use leaves the window on 1 February 2026.
    assert (usage.count_used, usage.count_remaining) == (2, 0)
    assert usage.next_eligible_date == D(2026, 2, 1)


@pytest.mark.django_db
def test_count_limit_without_a_period_counts_per_policy_year():
    member = make_member(policy_start=D(2025, 4, 1))
    checkup = make_item(member.plan, "MCU", count_limit=1)
    make_claim(member, checkup, on=D(2025, 5, 1), approved=800_000)
    usage = usage_of(member, D(2025, 6, 1), "MCU")
    assert usage.next_eligible_date == D(2026, 4, 1)
    assert usage_of(member, D(2026, 4, 1), "MCU").count_used == 0


@pytest.mark.django_db
def test_waiting_period_starts_with_the_participants_own_coverage():
    # The participant joined the policy on 1 March 2025; maternity waits 365 days.
    member = make_member(policy_start=D(2025, 1, 1), member_start=D(2025, 3, 1))
    make_item(member.plan, "MAT", BenefitType.MATERNITY, limit_amount=10_000_000, waiting_period_days=365)
    waiting = usage_of(member, D(2025, 6, 1), "MAT")
    assert waiting.waiting_until == D(2026, 3, 1)
    assert waiting.in_waiting_period and not waiting.available
    assert usage_of(member, D(2026, 3, 1), "MAT").waiting_until is None


@pytest.mark.django_db
def test_only_the_asked_benefit_type_and_none_without_a_plan():
    member = make_member()
    make_item(member.plan, "OP", limit_amount=1)
    make_item(member.plan, "DEN", BenefitType.DENTAL, limit_amount=1)
    member = Member.objects.select_related("policy").get(pk=member.pk)
    codes = [u.item.code for u in benefit_usage_for_member(member=member, on_date=D(2025, 2, 1), benefit_type="DENTAL")]
    assert codes == ["DEN"]
    member.plan = None
    assert benefit_usage_for_member(member=member, on_date=D(2025, 2, 1)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("items", [1, 100])
def test_usage_takes_two_queries_whatever_the_number_of_items_and_claims(items, django_assert_num_queries):
    member = make_member()
    created = [make_item(member.plan, f"I{i:03d}", limit_amount=1_000_000) for i in range(items)]
    for item in created:
        make_claim(member, item, on=D(2025, 2, 1), approved=1_000)
    member = Member.objects.select_related("policy").get(pk=member.pk)
    # 1: the plan's items; 2: the participant's counted claim items in the window.
    with django_assert_num_queries(2):
        usages = benefit_usage_for_member(member=member, on_date=D(2025, 3, 1))
    assert len(usages) == items
    assert all(u.used_amount == 1_000 for u in usages)

"""Adjudication rules on plain data: every expected amount is worked out by hand beside it.

No database here: benefit items are unsaved objects with a pk, earlier uses are plain
Use rows. The database side (bulk loading, the running balance shared with the benefits
page) is in test_adjudication_db.py.
"""

import datetime
import itertools

import pytest

from satuklik.claims.adjudication import (
    Line,
    Reason,
    Reduction,
    adjudicate_lines,
    describe_reduction,
    is_room,
)
from satuklik.policies.benefits import Use, item_balance
from satuklik.policies.models import BenefitItem, BenefitType, LimitPeriod

D = datetime.date
PLAN = 1
_pks = itertools.count(100)


def item(benefit_type=BenefitType.OUTPATIENT, *, plan_id=PLAN, **fields):
    defaults = {
        "limit_amount": None,
        "limit_period": LimitPeriod.PER_YEAR,
        "annual_limit_amount": None,
        "count_limit": None,
        "count_period_months": None,
        "copay_percent": 0,
        "deductible_amount": 0,
        "waiting_period_days": 0,
    }
    pk = next(_pks)
    return BenefitItem(pk=pk, plan_id=plan_id, benefit_type=benefit_type, code=f"I{pk}", name="x", **defaults | fields)


def propose(lines, *, benefit_type=BenefitType.OUTPATIENT, on=None, uses=(), **overrides):
    """Adjudicate lines [(item, claimed, quantity)] for a participant covered since 1 January 2025."""
    on = on or D(2025, 6, 10)
    by_item = {}
    for use in uses:
        by_item.setdefault(use.benefit_item_id, []).append(use)
    arguments = {
        "lines": [Line(index, it, claimed, quantity) for index, (it, claimed, quantity) in enumerate(lines)],
        "benefit_type": benefit_type,
        "treatment_date": on,
        "member_start": D(2025, 1, 1),
        "plan_id": PLAN,
        "plan_benefit_types": set(BenefitType.values),
        "policy_start": D(2025, 1, 1),
        "covered": True,
        "uses": by_item,
    }
    return adjudicate_lines(**arguments | overrides)


def reductions(line):
    return [(r.code, r.amount) for r in line.reductions]


# --- amount limits -------------------------------------------------------------------------


def test_per_day_room_limit_times_days_leaves_the_excess_room_to_the_member():
    room = item(BenefitType.INPATIENT, limit_amount=500_000, limit_period=LimitPeriod.PER_DAY)
    assert is_room(room)
    # 3 days in a room of 700.000 a day: 2.100.000 charged. Entitlement 500.000 x 3 = 1.500.000;
    # the excess 2.100.000 - 1.500.000 = 600.000 is the member's.
    line = propose([(room, 2_100_000, 3)], benefit_type=BenefitType.INPATIENT).items[0]
    assert line.amount_proposed == 1_500_000
    assert reductions(line) == [(Reason.EXCESS_ROOM, 600_000)]
    assert line.reason_code == Reason.EXCESS_ROOM
    assert line.member_share == 600_000


def test_per_day_limit_of_an_item_that_is_not_a_room():
    physio = item(limit_amount=250_000, limit_period=LimitPeriod.PER_DAY)
    assert not is_room(physio)
    # 4 days of physiotherapy at 300.000: 1.200.000; limit 250.000 x 4 = 1.000.000; 200.000 over.
    line = propose([(physio, 1_200_000, 4)]).items[0]
    assert line.amount_proposed == 1_000_000
    assert reductions(line) == [(Reason.LIMIT_AMOUNT, 200_000)]


def test_per_day_room_with_earlier_usage_hits_the_annual_limit():
    room = item(
        BenefitType.INPATIENT, limit_amount=500_000, limit_period=LimitPeriod.PER_DAY, annual_limit_amount=10_000_000
    )
    # Earlier this policy year: 9.200.000 approved (two stays); a stay in the previous
    # policy year (2024) does not count.
    uses = [
        Use(room.pk, D(2025, 2, 1), 5_000_000, 10),
        Use(room.pk, D(2025, 4, 1), 4_200_000, 9),
        Use(room.pk, D(2024, 11, 1), 3_000_000, 6),
    ]
    # 4 days at 600.000 = 2.400.000; entitlement 500.000 x 4 = 2.000.000 (excess room 400.000);
    # annual limit left 10.000.000 - 9.200.000 = 800.000: 2.000.000 - 800.000 = 1.200.000 over.
    line = propose([(room, 2_400_000, 4)], benefit_type=BenefitType.INPATIENT, uses=uses).items[0]
    assert reductions(line) == [(Reason.EXCESS_ROOM, 400_000), (Reason.LIMIT_ANNUAL, 1_200_000)]
    assert line.amount_proposed == 800_000
    assert line.reason_code == Reason.LIMIT_ANNUAL


def test_per_visit_limit_with_co_payment():
    gp = item(limit_amount=150_000, limit_period=LimitPeriod.PER_VISIT, copay_percent=20)
    # 200.000 charged for one visit: limit 150.000 (50.000 over); co-payment 20 % of
    # 150.000 = 30.000 borne by the member; the plan pays 150.000 - 30.000 = 120.000.
    line = propose([(gp, 200_000, 1)]).items[0]
    assert reductions(line) == [(Reason.LIMIT_AMOUNT, 50_000), (Reason.COPAY, 30_000)]
    assert line.amount_proposed == 120_000
    assert line.member_share == 80_000


def test_per_visit_limit_counts_each_visit_and_co_payment_rounds_in_the_members_favour_never():
    gp = item(limit_amount=150_000, limit_period=LimitPeriod.PER_VISIT, copay_percent=15)
    # 2 visits, 290.001 charged: under 150.000 x 2 = 300.000, nothing over the limit.
    # The plan pays 85 % of 290.001 = 246.500,85, rounded down to 246.500; the member 43.501.
    line = propose([(gp, 290_001, 2)]).items[0]
    assert reductions(line) == [(Reason.COPAY, 43_501)]
    assert line.amount_proposed == 246_500


def test_per_visit_with_earlier_usage_and_an_annual_limit():
    gp = item(limit_amount=150_000, limit_period=LimitPeriod.PER_VISIT, annual_limit_amount=1_000_000)
    uses = [Use(gp.pk, D(2025, 3, day), 150_000, 1) for day in (1, 8, 15, 22, 29)] + [
        Use(gp.pk, D(2025, 5, 2), 200_000, 1)
    ]
    # Used: 5 x 150.000 + 200.000 = 950.000; left 1.000.000 - 950.000 = 50.000.
    # Charged 180.000: limit per visit 150.000 (30.000 over), then the annual 50.000 (100.000 over).
    line = propose([(gp, 180_000, 1)], uses=uses).items[0]
    assert reductions(line) == [(Reason.LIMIT_AMOUNT, 30_000), (Reason.LIMIT_ANNUAL, 100_000)]
    assert line.amount_proposed == 50_000


def test_annual_limit_with_earlier_usage():
    drugs = item(limit_amount=5_000_000, limit_period=LimitPeriod.PER_YEAR)
    uses = [Use(drugs.pk, D(2025, 2, 3), 3_000_000, 1), Use(drugs.pk, D(2025, 5, 5), 1_200_000, 1)]
    # A yearly limit of 5.000.000 with 3.000.000 + 1.200.000 = 4.200.000 used: 800.000 left.
    # 1.000.000 charged: 800.000 paid, 200.000 over the annual limit.
    line = propose([(drugs, 1_000_000, 1)], uses=uses).items[0]
    assert reductions(line) == [(Reason.LIMIT_ANNUAL, 200_000)]
    assert line.amount_proposed == 800_000


def test_annual_limit_is_shared_by_the_lines_of_one_claim_and_resets_with_the_policy_year():
    drugs = item(limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    uses = [Use(drugs.pk, D(2025, 12, 20), 700_000, 1)]
    # 300.000 left in 2025: the first line takes 250.000, the second the last 50.000 of 400.000.
    proposal = propose([(drugs, 250_000, 1), (drugs, 400_000, 1)], uses=uses, on=D(2025, 12, 30))
    assert [line.amount_proposed for line in proposal.items] == [250_000, 50_000]
    assert reductions(proposal.items[1]) == [(Reason.LIMIT_ANNUAL, 350_000)]
    # The same on 1 January 2026 (a new policy year of a policy that starts on 1 January): all paid.
    proposal = propose([(drugs, 250_000, 1), (drugs, 400_000, 1)], uses=uses, on=D(2026, 1, 1))
    assert [line.amount_proposed for line in proposal.items] == [250_000, 400_000]


def test_per_case_limit_is_shared_by_the_lines_of_one_claim():
    delivery = item(BenefitType.MATERNITY, limit_amount=8_000_000, limit_period=LimitPeriod.PER_CASE)
    # One case: 6.000.000 + 3.500.000 charged; the case limit 8.000.000 leaves 2.000.000 for the
    # second line, 1.500.000 over.
    proposal = propose([(delivery, 6_000_000, 1), (delivery, 3_500_000, 1)], benefit_type=BenefitType.MATERNITY)
    assert [line.amount_proposed for line in proposal.items] == [6_000_000, 2_000_000]
    assert reductions(proposal.items[1]) == [(Reason.LIMIT_AMOUNT, 1_500_000)]
    assert proposal.amount_claimed == 9_500_000
    assert proposal.amount_proposed == 8_000_000
    assert proposal.member_share == 1_500_000


# --- deductible, co-payment -----------------------------------------------------------------


def test_deductible_then_co_payment():
    specialist = item(
        limit_amount=300_000, limit_period=LimitPeriod.PER_VISIT, deductible_amount=100_000, copay_percent=10
    )
    # 350.000 charged: limit 300.000 (50.000 over); the member bears the deductible 100.000:
    # 200.000 left; co-payment 10 % = 20.000; the plan pays 180.000.
    line = propose([(specialist, 350_000, 1)]).items[0]
    assert reductions(line) == [(Reason.LIMIT_AMOUNT, 50_000), (Reason.DEDUCTIBLE, 100_000), (Reason.COPAY, 20_000)]
    assert line.amount_proposed == 180_000


def test_deductible_is_borne_once_per_item_per_claim():
    lab = item(deductible_amount=100_000)
    # Line 1: 60.000, all of it deductible (40.000 of the deductible left); line 2: 500.000 - 40.000 = 460.000.
    proposal = propose([(lab, 60_000, 1), (lab, 500_000, 1)])
    assert [line.amount_proposed for line in proposal.items] == [0, 460_000]
    assert [reductions(line) for line in proposal.items] == [
        [(Reason.DEDUCTIBLE, 60_000)],
        [(Reason.DEDUCTIBLE, 40_000)],
    ]


def test_co_payment_counts_toward_the_annual_limit_as_the_plans_share_only():
    gp = item(limit_amount=200_000, limit_period=LimitPeriod.PER_VISIT, copay_percent=20, annual_limit_amount=500_000)
    uses = [Use(gp.pk, D(2025, 2, 1), 400_000, 2)]
    # 200.000 charged, within the visit limit; co-pay 40.000 -> 160.000; 100.000 of the
    # annual limit left (500.000 - 400.000): 60.000 over the annual limit.
    line = propose([(gp, 200_000, 1)], uses=uses).items[0]
    assert reductions(line) == [(Reason.COPAY, 40_000), (Reason.LIMIT_ANNUAL, 60_000)]
    assert line.amount_proposed == 100_000


# --- count limits (frequency) ---------------------------------------------------------------


def test_glasses_once_every_two_years():
    glasses = item(
        BenefitType.OPTICAL,
        limit_amount=1_000_000,
        limit_period=LimitPeriod.PER_CASE,
        count_limit=1,
        count_period_months=24,
    )
    uses = [Use(glasses.pk, D(2025, 3, 10), 1_000_000, 1)]
    # Bought 10 March 2025: the next pair is covered from 10 March 2027.
    line = propose([(glasses, 900_000, 1)], benefit_type=BenefitType.OPTICAL, on=D(2027, 3, 9), uses=uses).items[0]
    assert reductions(line) == [(Reason.LIMIT_COUNT, 900_000)]
    assert line.amount_proposed == 0
    line = propose([(glasses, 1_200_000, 1)], benefit_type=BenefitType.OPTICAL, on=D(2027, 3, 10), uses=uses).items[0]
    # Eligible again: 1.200.000 charged, the per-case limit 1.000.000.
    assert reductions(line) == [(Reason.LIMIT_AMOUNT, 200_000)]
    assert line.amount_proposed == 1_000_000


def test_a_later_pair_already_paid_blocks_an_earlier_one_claimed_late():
    glasses = item(
        BenefitType.OPTICAL,
        limit_amount=1_000_000,
        limit_period=LimitPeriod.PER_CASE,
        count_limit=1,
        count_period_months=24,
    )
    uses = [Use(glasses.pk, D(2025, 3, 10), 1_000_000, 1)]
    # A pair bought on 1 February 2025 but claimed after the March pair was paid: within 24 months of it.
    line = propose([(glasses, 800_000, 1)], benefit_type=BenefitType.OPTICAL, on=D(2025, 2, 1), uses=uses).items[0]
    assert line.amount_proposed == 0
    assert line.reason_code == Reason.LIMIT_COUNT


def test_count_limit_pays_the_visits_still_allowed_pro_rata():
    scaling = item(
        BenefitType.DENTAL,
        limit_amount=400_000,
        limit_period=LimitPeriod.PER_VISIT,
        count_limit=4,
        count_period_months=12,
    )
    uses = [Use(scaling.pk, D(2025, month, 5), 300_000, 1) for month in (1, 3, 5)]
    # 3 of 4 visits used in the last 12 months: 1 of the 2 claimed visits is covered.
    # 600.000 x 1/2 = 300.000 (300.000 over the count); under the visit limit 400.000 x 1.
    line = propose([(scaling, 600_000, 2)], benefit_type=BenefitType.DENTAL, uses=uses).items[0]
    assert reductions(line) == [(Reason.LIMIT_COUNT, 300_000)]
    assert line.amount_proposed == 300_000


def test_count_limit_without_a_period_counts_the_policy_year_and_this_claims_lines():
    gp = item(count_limit=2)
    uses = [Use(gp.pk, D(2025, 2, 1), 100_000, 1), Use(gp.pk, D(2024, 12, 1), 100_000, 1)]
    # 2 visits a policy year; 1 used in 2025 (December 2024 was the previous policy year):
    # the first line is the second visit, the next one is over the count.
    proposal = propose([(gp, 120_000, 1), (gp, 130_000, 1)], uses=uses)
    assert [line.amount_proposed for line in proposal.items] == [120_000, 0]
    assert proposal.items[1].reason_code == Reason.LIMIT_COUNT


# --- waiting period, cover ------------------------------------------------------------------


def test_maternity_waiting_period_of_twelve_months_from_the_members_start():
    delivery = item(
        BenefitType.MATERNITY, limit_amount=8_000_000, limit_period=LimitPeriod.PER_CASE, waiting_period_days=365
    )
    # Covered since 1 January 2025: 1 January 2025 + 365 days = 1 January 2026.
    line = propose([(delivery, 7_000_000, 1)], benefit_type=BenefitType.MATERNITY, on=D(2025, 12, 31)).items[0]
    assert reductions(line) == [(Reason.WAITING_PERIOD, 7_000_000)]
    assert line.reductions[0].detail["until"] == "2026-01-01"
    line = propose([(delivery, 7_000_000, 1)], benefit_type=BenefitType.MATERNITY, on=D(2026, 1, 1)).items[0]
    assert line.amount_proposed == 7_000_000
    # The participant's own start counts, not the policy's: a dependent added on 1 March 2025.
    line = propose(
        [(delivery, 7_000_000, 1)], benefit_type=BenefitType.MATERNITY, on=D(2026, 1, 1), member_start=D(2025, 3, 1)
    ).items[0]
    assert line.reason_code == Reason.WAITING_PERIOD


def test_item_not_in_the_members_plan_is_not_covered():
    other_plans = item(plan_id=PLAN + 1, limit_amount=150_000, limit_period=LimitPeriod.PER_VISIT)
    dental = item(BenefitType.DENTAL)
    proposal = propose([(other_plans, 100_000, 1), (dental, 50_000, 1)])
    # Neither is payable on an outpatient claim of this plan: one is another plan's, one is dental.
    assert [reductions(line) for line in proposal.items] == [
        [(Reason.NOT_COVERED, 100_000)],
        [(Reason.NOT_COVERED, 50_000)],
    ]
    assert proposal.claim_reason is None


def test_benefit_type_not_in_the_plan_refuses_the_whole_claim():
    gp = item()
    proposal = propose([(gp, 100_000, 1)], plan_benefit_types={BenefitType.INPATIENT})
    assert proposal.claim_reason == Reason.NOT_COVERED
    assert proposal.amount_proposed == 0


def test_coverage_not_active_refuses_the_whole_claim():
    gp = item()
    proposal = propose([(gp, 100_000, 1), (gp, 20_000, 1)], covered=False)
    assert proposal.claim_reason == Reason.NOT_ACTIVE
    assert [reductions(line) for line in proposal.items] == [
        [(Reason.NOT_ACTIVE, 100_000)],
        [(Reason.NOT_ACTIVE, 20_000)],
    ]


def test_no_limits_pays_what_was_charged():
    anything = item()
    line = propose([(anything, 123_456, 1)]).items[0]
    assert line.amount_proposed == 123_456
    assert line.reductions == []
    assert line.reason_code is None


def test_item_balance_window_edges():
    glasses = item(count_limit=1, count_period_months=24, limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    uses = [Use(glasses.pk, D(2025, 3, 10), 600_000, 1)]
    balance = item_balance(glasses, uses=uses, on_date=D(2025, 8, 1), policy_start=D(2025, 1, 1))
    assert (balance.used_amount, balance.remaining_amount, balance.count_used, balance.count_remaining) == (
        600_000,
        400_000,
        1,
        0,
    )
    # 10 March 2023 < use < 10 March 2027: on 10 March 2027 the 2025 pair no longer counts.
    balance = item_balance(glasses, uses=uses, on_date=D(2027, 3, 10), policy_start=D(2025, 1, 1))
    assert (balance.used_amount, balance.count_used) == (0, 0)


@pytest.mark.parametrize(
    ("reduction", "words"),
    [
        (Reduction(Reason.COPAY, 30_000, {"percent": 20}), "Co-payment of 20% borne by the participant: Rp 30.000."),
        (
            Reduction(Reason.EXCESS_ROOM, 600_000, {"limit": 500_000, "times": 3}),
            "Room above the entitlement of Rp 500.000 per day x 3 days: the excess Rp 600.000 is borne by the participant.",
        ),
        (
            {"code": Reason.LIMIT_ANNUAL, "amount": 200_000, "detail": {"yearly_limit": 5_000_000, "used": 4_200_000}},
            "Annual limit of Rp 5.000.000 (Rp 4.200.000 used before): Rp 200.000 not paid.",
        ),
    ],
)
def test_reductions_in_words(reduction, words):
    from django.utils import translation

    with translation.override("en"):
        assert describe_reduction(reduction) == words

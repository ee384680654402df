"""Adjudication against the database: the running balance is the benefits page's, the claim
never counts against itself, and a batch costs the same few queries whatever its size."""

import datetime
import itertools

import pytest

from satuklik.claims.adjudication import Line, Reason, adjudicate_claim, adjudicate_claims, estimate_lines
from satuklik.claims.models import Claim, ClaimItem
from satuklik.policies.benefits import benefit_usage_for_member
from satuklik.policies.models import BenefitType, LimitPeriod
from satuklik.policies.tests.factories import BenefitItemFactory, MemberFactory, PlanFactory, PolicyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
_numbers = itertools.count(1)


def claim_with(member, lines, *, on, status=Claim.Status.IN_REVIEW):
    """A claim of `member` treated `on` with lines [(benefit item, claimed, approved, quantity)]."""
    claim = Claim.objects.create(
        number=f"ADJ{next(_numbers):07d}",
        member=member,
        benefit_type=lines[0][0].benefit_type,
        status=status,
        treatment_date=on,
    )
    for benefit_item, claimed, approved, quantity in lines:
        ClaimItem.objects.create(
            claim=claim, benefit_item=benefit_item, amount_claimed=claimed, amount_approved=approved, quantity=quantity
        )
    return claim


@pytest.fixture
def member():
    policy = PolicyFactory(start_date=D(2025, 1, 1), end_date=None)
    plan = PlanFactory(policy=policy)
    return MemberFactory(policy=policy, plan=plan, start_date=D(2025, 1, 1))


def test_used_and_remaining_are_the_benefits_pages(member):
    room = BenefitItemFactory(
        plan=member.plan,
        benefit_type=BenefitType.INPATIENT,
        limit_amount=500_000,
        limit_period=LimitPeriod.PER_DAY,
        annual_limit_amount=10_000_000,
    )
    claim_with(member, [(room, 5_000_000, 5_000_000, 10)], on=D(2025, 2, 1), status=Claim.Status.PAID)
    claim_with(member, [(room, 4_500_000, 4_200_000, 9)], on=D(2025, 4, 1), status=Claim.Status.PARTLY_APPROVED)
    # Not counted: rejected, still in review, and the previous policy year.
    claim_with(member, [(room, 2_000_000, 0, 4)], on=D(2025, 4, 20), status=Claim.Status.REJECTED)
    claim_with(member, [(room, 1_000_000, None, 2)], on=D(2025, 5, 1), status=Claim.Status.SUBMITTED)
    claim_with(member, [(room, 1_000_000, 1_000_000, 2)], on=D(2024, 12, 1), status=Claim.Status.PAID)

    usage = benefit_usage_for_member(member=member, on_date=D(2025, 6, 10), benefit_type=BenefitType.INPATIENT)[0]
    # The benefits page: used 5.000.000 + 4.200.000 = 9.200.000, 800.000 remaining.
    assert (usage.used_amount, usage.remaining_amount) == (9_200_000, 800_000)

    claim = claim_with(member, [(room, 2_400_000, None, 4)], on=D(2025, 6, 10))
    line = adjudicate_claim(claim=claim).items[0]
    # 4 days x 500.000 = 2.000.000 (excess room 400.000), capped at the 800.000 remaining.
    assert line.amount_proposed == usage.remaining_amount == 800_000
    assert line.reductions[-1].detail["used"] == usage.used_amount
    assert [r.code for r in line.reductions] == [Reason.EXCESS_ROOM, Reason.LIMIT_ANNUAL]


def test_an_appealed_claim_is_not_counted_against_itself(member):
    drugs = BenefitItemFactory(plan=member.plan, limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    # Partly approved 600.000 of 900.000, then appealed: its 600.000 counts as used on the
    # benefits page meanwhile, but not when the claim itself is adjudicated again.
    claim = claim_with(member, [(drugs, 900_000, 600_000, 1)], on=D(2025, 3, 3), status=Claim.Status.APPEALED)
    usage = benefit_usage_for_member(member=member, on_date=D(2025, 3, 3))[0]
    assert usage.used_amount == 600_000
    assert adjudicate_claim(claim=claim).amount_proposed == 900_000


def test_another_members_usage_and_other_items_do_not_count(member):
    drugs = BenefitItemFactory(plan=member.plan, limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    other = BenefitItemFactory(plan=member.plan, limit_amount=1_000_000, limit_period=LimitPeriod.PER_YEAR)
    spouse = MemberFactory(spouse_of=member)
    claim_with(spouse, [(drugs, 1_000_000, 1_000_000, 1)], on=D(2025, 2, 2), status=Claim.Status.PAID)
    claim_with(member, [(other, 1_000_000, 1_000_000, 1)], on=D(2025, 2, 2), status=Claim.Status.PAID)
    claim = claim_with(member, [(drugs, 700_000, None, 1)], on=D(2025, 3, 3))
    assert adjudicate_claim(claim=claim).amount_proposed == 700_000


def test_coverage_ended_before_the_treatment(member):
    member.end_date = D(2025, 3, 31)
    member.save(update_fields=["end_date"])
    drugs = BenefitItemFactory(plan=member.plan, limit_amount=None)
    claim = claim_with(member, [(drugs, 700_000, None, 1)], on=D(2025, 4, 1))
    proposal = adjudicate_claim(claim=claim)
    assert proposal.claim_reason == Reason.NOT_ACTIVE
    assert proposal.amount_proposed == 0


def test_estimate_of_unsaved_lines_uses_the_same_rules(member):
    gp = BenefitItemFactory(
        plan=member.plan,
        benefit_type=BenefitType.OUTPATIENT,
        limit_amount=150_000,
        limit_period="VISIT",
        copay_percent=20,
    )
    proposal = estimate_lines(
        member=member,
        benefit_type=BenefitType.OUTPATIENT,
        treatment_date=D(2025, 5, 5),
        lines=[Line(0, gp, 200_000, 1)],
    )
    # 150.000 limit, 20 % co-payment: 120.000.
    assert proposal.amount_proposed == 120_000


def test_a_batch_costs_the_same_queries_for_3_or_30_claims(member, django_assert_num_queries):
    gp = BenefitItemFactory(
        plan=member.plan, benefit_type=BenefitType.OUTPATIENT, limit_amount=150_000, limit_period="VISIT"
    )
    others = [MemberFactory(policy=member.policy, plan=member.plan) for _ in range(3)]
    claims = [claim_with(m, [(gp, 100_000, None, 1)], on=D(2025, 5, 5)) for m in [member, *others] for _ in range(8)]
    # 4 queries: the claims with their participant's and policy's dates, their items, the
    # plans' benefit items, the participants' decided claims around the treatment dates.
    with django_assert_num_queries(4):
        few = adjudicate_claims(claims[:3])
    with django_assert_num_queries(4):
        many = adjudicate_claims(claims)
    assert len(few) == 3 and len(many) == 32
    assert all(p.amount_proposed == 100_000 for p in many.values())

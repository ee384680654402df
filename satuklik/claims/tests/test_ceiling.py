"""The plan-wide annual limit of a benefit type (a ceiling across all its items for the policy
year): adjudication, the estimate and the benefits page agree, the ceiling is never a claimable
item, and two claims deciding together never pay more than it. Amounts computed by hand."""

import datetime
import itertools

import pytest
import time_machine
from django.db import connection

from satuklik.accounts import services as account_services
from satuklik.accounts.tests.factories import StaffUserFactory, UserFactory
from satuklik.claims import selectors, services
from satuklik.claims.adjudication import Line, Reason, adjudicate_claim, estimate_lines
from satuklik.claims.models import Claim, ClaimItem
from satuklik.claims.review import Adjustment, ReviewError, claim_decide
from satuklik.claims.tests.test_review_concurrency import in_threads
from satuklik.policies.benefits import benefit_usage_for_member
from satuklik.policies.models import BenefitType, LimitPeriod, Member
from satuklik.policies.tests.factories import BenefitItemFactory, MemberFactory, PlanFactory, PolicyFactory

D = datetime.date
S = Claim.Status
_numbers = itertools.count(1)
IP = BenefitType.INPATIENT


def _plan_member():
    """Inpatient: surgery up to 150.000.000 and medicines up to 100.000.000 per case, under an
    "Inpatient annual limit" of 200.000.000 for the policy year (1 January to 31 December 2025)."""
    policy = PolicyFactory(start_date=D(2025, 1, 1), end_date=None)
    plan = PlanFactory(policy=policy)
    surgery = BenefitItemFactory(
        plan=plan, benefit_type=IP, code="IP-SURG", limit_amount=150_000_000, limit_period=LimitPeriod.PER_CASE
    )
    medicines = BenefitItemFactory(
        plan=plan, benefit_type=IP, code="IP-MED", limit_amount=100_000_000, limit_period=LimitPeriod.PER_CASE
    )
    ceiling = BenefitItemFactory(
        plan=plan,
        benefit_type=IP,
        code="IP-LIMIT",
        name_en="Inpatient annual limit",
        limit_amount=200_000_000,
        limit_period=LimitPeriod.CEILING,
        copay_percent=0,
        deductible_amount=0,
    )
    member = MemberFactory(policy=policy, plan=plan, start_date=D(2025, 1, 1))
    return Member.objects.select_related("policy").get(pk=member.pk), surgery, medicines, ceiling


def _claim(member, lines, *, on, status=S.IN_REVIEW):
    """lines: [(benefit item, claimed, approved or None)]"""
    claim = Claim.objects.create(
        number=f"CEIL{next(_numbers):06d}", member=member, benefit_type=IP, status=status, treatment_date=on
    )
    for item, claimed, approved in lines:
        ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=claimed, amount_approved=approved)
    Claim.objects.filter(pk=claim.pk).update(amount_claimed=sum(line[1] for line in lines))
    return claim


@pytest.mark.django_db
def test_a_202_400_000_claim_is_capped_at_the_200_000_000_annual_limit():
    member, surgery, medicines, _ceiling = _plan_member()
    # Per item: 150.000.000 (at its limit) + 52.400.000 (under 100.000.000) = 202.400.000.
    claim = _claim(member, [(surgery, 150_000_000, None), (medicines, 52_400_000, None)], on=D(2025, 5, 10))
    proposal = adjudicate_claim(claim=claim)
    assert [item.amount_proposed for item in proposal.items] == [150_000_000, 50_000_000]
    assert proposal.amount_proposed == 200_000_000
    assert [r.code for r in proposal.items[1].reductions] == [Reason.LIMIT_ANNUAL]
    assert proposal.items[1].reductions[0].amount == 2_400_000


@pytest.mark.django_db
def test_page_estimate_and_adjudication_count_the_ceiling_across_items():
    member, surgery, medicines, ceiling = _plan_member()
    # Decided earlier in the year: 120.000.000 of surgery and 60.000.000 of medicines = 180.000.000.
    _claim(member, [(surgery, 120_000_000, 120_000_000)], on=D(2025, 2, 1), status=S.APPROVED)
    _claim(member, [(medicines, 60_000_000, 60_000_000)], on=D(2025, 3, 1), status=S.PAID)
    usage = {u.item.code: u for u in benefit_usage_for_member(member=member, on_date=D(2025, 6, 1))}
    assert (usage["IP-LIMIT"].used_amount, usage["IP-LIMIT"].remaining_amount) == (180_000_000, 20_000_000)
    # A new claim of 30.000.000 of medicines: 20.000.000 left of the ceiling.
    estimate = estimate_lines(
        member=member, benefit_type=IP, treatment_date=D(2025, 6, 1), lines=[Line("x", medicines, 30_000_000, 1)]
    )
    assert estimate.amount_proposed == 20_000_000
    claim = _claim(member, [(medicines, 30_000_000, None)], on=D(2025, 6, 1))
    assert adjudicate_claim(claim=claim).amount_proposed == 20_000_000
    # The next policy year starts afresh.
    assert adjudicate_claim(
        claim=_claim(member, [(medicines, 30_000_000, None)], on=D(2026, 1, 2))
    ).amount_proposed == (30_000_000)


@pytest.mark.django_db
def test_the_ceiling_is_not_a_claimable_item():
    member, _surgery, _medicines, ceiling = _plan_member()
    assert ceiling not in list(selectors.benefit_items_for(member=member, benefit_type=IP))
    assert ceiling not in selectors.benefit_items_by_plan(plan_ids=[member.plan_id])[member.plan_id][IP]
    claim = _claim(member, [], on=D(2025, 5, 10), status=S.DRAFT)
    with pytest.raises(services.ClaimError) as refused:
        services.claim_details_update(
            claim=claim,
            user=None,
            treatment_date=D(2025, 5, 10),
            admission_date=D(2025, 5, 10),
            discharge_date=D(2025, 5, 12),
            provider_name="RS A",
            diagnosis="Appendicitis",
            items=[{"benefit_item": ceiling, "amount": 1_000_000}],
        )
    assert refused.value.code == "item_not_in_plan"


@pytest.mark.django_db
def test_two_claims_crossing_the_ceiling_decided_one_after_the_other():
    member, surgery, medicines, _ceiling = _plan_member()
    officer = StaffUserFactory()
    first = _claim(member, [(surgery, 120_000_000, None)], on=D(2025, 5, 10))
    second = _claim(member, [(medicines, 90_000_000, None)], on=D(2025, 5, 20))
    # Both proposed while nothing was decided: each in full on its own.
    assert adjudicate_claim(claim=first).amount_proposed == 120_000_000
    assert adjudicate_claim(claim=second).amount_proposed == 90_000_000
    claim_decide(claim=first, officer=officer, decision="approve")
    decided = claim_decide(claim=second, officer=officer, decision="approve")
    # 200.000.000 - 120.000.000 = 80.000.000 left for the second.
    assert (decided.status, decided.amount_approved) == (S.PARTLY_APPROVED, 80_000_000)


@pytest.mark.django_db
def test_an_officer_cannot_approve_over_what_is_left_of_the_ceiling():
    member, surgery, medicines, _ceiling = _plan_member()
    officer = StaffUserFactory()
    _claim(member, [(surgery, 150_000_000, 150_000_000)], on=D(2025, 2, 1), status=S.APPROVED)
    claim = _claim(member, [(medicines, 90_000_000, None)], on=D(2025, 5, 20))
    item = claim.items.get()
    with pytest.raises(ReviewError) as refused:
        claim_decide(
            claim=claim,
            officer=officer,
            decision="approve",
            adjustments={item.pk: Adjustment(90_000_000, "OFFICER_ADJUSTMENT", "as billed")},
        )
    assert "Rp 50.000.000" in str(refused.value.message)  # 200.000.000 - 150.000.000 left
    item.refresh_from_db()
    assert item.amount_approved is None


@pytest.mark.django_db(transaction=True)
def test_two_claims_decided_at_once_never_pay_more_than_the_ceiling():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite serialises writers)")
    member, surgery, medicines, _ceiling = _plan_member()
    first = _claim(member, [(surgery, 120_000_000, None)], on=D(2025, 5, 10))
    second = _claim(member, [(medicines, 90_000_000, None)], on=D(2025, 5, 20))
    officers = StaffUserFactory(), StaffUserFactory()

    def approve(claim, officer):
        return lambda: claim_decide(claim=Claim.objects.get(pk=claim.pk), officer=officer, decision="approve")

    results, errors = in_threads([approve(first, officers[0]), approve(second, officers[1])])
    assert not errors and len(results) == 2
    approved = sorted(Claim.objects.filter(pk__in=[first.pk, second.pk]).values_list("amount_approved", flat=True))
    # Whichever goes first is paid in full; the other gets what is left: 200.000.000 in all.
    assert sum(approved) == 200_000_000 and approved in ([80_000_000, 120_000_000], [90_000_000, 110_000_000])


@pytest.mark.django_db
def test_benefits_api_shows_the_ceiling_with_what_all_items_used(client):
    member, surgery, medicines, _ceiling = _plan_member()
    _claim(member, [(surgery, 120_000_000, 120_000_000)], on=D(2025, 2, 1), status=S.APPROVED)
    _claim(member, [(medicines, 60_000_000, 60_000_000)], on=D(2025, 3, 1), status=S.APPROVED)
    _token, raw = account_services.api_token_issue(user=UserFactory(member=member), name="test")
    with time_machine.travel(datetime.datetime(2025, 6, 1, 3, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get(f"/api/v1/policies/members/{member.pk}/benefits", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    ceiling = next(row for row in response.json()["items"] if row["code"] == "IP-LIMIT")
    assert (ceiling["limit_period"], ceiling["used_amount"], ceiling["remaining_amount"]) == (
        "CEILING",
        180_000_000,
        20_000_000,
    )

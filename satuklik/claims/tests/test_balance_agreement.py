"""One balance for the benefits page, the member's estimate and adjudication (issue 12.1):
after two decided claims, the three agree on what is left of an item and of the benefit
type's ceiling. Amounts computed by hand."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from satuklik.accounts.tests.factories import UserFactory
from satuklik.claims import selectors
from satuklik.claims.adjudication import Reason, adjudicate_claim
from satuklik.claims.models import Claim, ClaimItem
from satuklik.policies.models import BenefitType, LimitPeriod
from satuklik.policies.tests.factories import BenefitItemFactory, MemberFactory, PlanFactory, PolicyFactory

D = datetime.date
IP = BenefitType.INPATIENT
pytestmark = pytest.mark.django_db


def _claim(member, lines, *, number, on, status):
    claim = Claim.objects.create(number=number, member=member, benefit_type=IP, status=status, treatment_date=on)
    for item, claimed, approved in lines:
        ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=claimed, amount_approved=approved)
    return claim


def _remaining_on_page(html: str, code: str) -> str:
    card = re.search(rf'data-item="{code}".*?data-field="remaining">([^<]*)<', html, re.S)
    return unescape(card.group(1)).replace("\xa0", " ").strip()


def test_page_estimate_and_adjudication_agree_on_what_is_left_after_two_claims(client):
    policy = PolicyFactory(start_date=D(2025, 1, 1), end_date=None)
    plan = PlanFactory(policy=policy)
    surgery = BenefitItemFactory(
        plan=plan, benefit_type=IP, code="IP-SURG", limit_amount=150_000_000, limit_period=LimitPeriod.PER_CASE
    )
    medicines = BenefitItemFactory(
        plan=plan,
        benefit_type=IP,
        code="IP-MED",
        limit_amount=100_000_000,
        limit_period=LimitPeriod.PER_CASE,
        annual_limit_amount=70_000_000,
        copay_percent=0,
        deductible_amount=0,
    )
    BenefitItemFactory(
        plan=plan,
        benefit_type=IP,
        code="IP-LIMIT",
        limit_amount=200_000_000,
        limit_period=LimitPeriod.CEILING,
        copay_percent=0,
        deductible_amount=0,
    )
    member = MemberFactory(policy=policy, plan=plan, start_date=D(2025, 1, 1))
    # Two decided claims: 120.000.000 of surgery (2 February) and 60.000.000 of medicines (1 May).
    _claim(member, [(surgery, 120_000_000, 120_000_000)], number="BAL000001", on=D(2025, 2, 1), status="APPROVED")
    _claim(member, [(medicines, 60_000_000, 60_000_000)], number="BAL000002", on=D(2025, 5, 1), status="PAID")
    # Left: medicines 70.000.000 - 60.000.000 = 10.000.000 a year; the ceiling
    # 200.000.000 - 180.000.000 = 20.000.000.
    client.force_login(UserFactory(member=member))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with time_machine.travel(datetime.datetime(2025, 6, 1, 3, tzinfo=datetime.UTC), tick=False):
        page = client.get(reverse("policies:benefit-detail", args=[member.pk, IP])).content.decode()
    assert _remaining_on_page(page, "IP-MED") == "Rp 10.000.000"
    # The plan-wide ceiling is the type's summary at the top of the page.
    ceiling = re.search(r'data-field="type-remaining">([^<]*)<', page)
    assert unescape(ceiling.group(1)).replace("\xa0", " ").strip() == "Rp 20.000.000"

    # A new claim treated on 1 April, before the medicines claim: that claim still counts.
    # Medicines 30.000.000 -> 10.000.000 (the item's year); surgery 25.000.000 -> the
    # 10.000.000 left of the ceiling. 20.000.000 in all: the ceiling's remaining.
    claim = _claim(
        member,
        [(medicines, 30_000_000, None), (surgery, 25_000_000, None)],
        number="BAL000003",
        on=D(2025, 4, 1),
        status="DRAFT",
    )
    estimate = selectors.estimate_for(claim=claim)
    Claim.objects.filter(pk=claim.pk).update(status="IN_REVIEW")
    proposal = adjudicate_claim(claim=claim)
    for answer in (estimate, proposal):
        assert [item.amount_proposed for item in answer.items] == [10_000_000, 10_000_000]
        assert [r.code for r in answer.items[0].reductions] == [Reason.LIMIT_ANNUAL]
        assert answer.ceiling_remaining == 20_000_000

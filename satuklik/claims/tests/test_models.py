"""The minimal claim models behind the benefits page (issue 4); issue 5 extends them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from satuklik.claims.models import USAGE_STATUSES, Claim, ClaimItem
from satuklik.policies.models import BenefitItem, Member, Plan, Policy


@pytest.fixture
def member_and_item(db):
    policy = Policy.objects.create(number="CLM001", policy_type="GROUP", start_date=datetime.date(2025, 1, 1))
    plan = Plan.objects.create(code="CLMPLAN", name="Plan", policy=policy)
    member = Member.objects.create(
        policy=policy,
        participant_number="P1",
        full_name="JANE RAILEY",
        date_of_birth=datetime.date(1990, 12, 1),
        gender="F",
        plan=plan,
        start_date=policy.start_date,
    )
    item = BenefitItem.objects.create(plan=plan, benefit_type="INPATIENT", code="IP", name="Room")
    return member, item


def test_usage_statuses_are_the_decided_ones():
    assert set(USAGE_STATUSES) == {"APPROVED", "PARTLY", "APPEALED", "PAID"}
    assert {"DRAFT", "SUBMITTED", "IN_REVIEW", "DOCS_REQ", "REJECTED"} <= set(Claim.Status.values)


def test_discharge_cannot_come_before_admission(member_and_item):
    member, _ = member_and_item
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            number="C1",
            member=member,
            benefit_type="INPATIENT",
            treatment_date=datetime.date(2025, 2, 5),
            admission_date=datetime.date(2025, 2, 5),
            discharge_date=datetime.date(2025, 2, 4),
        )


def test_amounts_cannot_be_negative(member_and_item):
    member, item = member_and_item
    claim = Claim.objects.create(
        number="C2", member=member, benefit_type="INPATIENT", treatment_date=datetime.date(2025, 2, 5)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=100, amount_approved=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=-5)

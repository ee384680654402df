"""The minimal claim models behind the benefits page (issue 4); issue 5 extends them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from satuklik.claims.models import Claim, ClaimItem
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


def test_bank_account_is_masked_to_its_last_four_digits():
    from satuklik.claims.models import mask_account_number

    assert mask_account_number("1234567890") == "******7890"
    assert mask_account_number("1234") == "1234"
    assert mask_account_number("") == ""


def test_document_paths_are_random_and_never_the_members_name():
    from satuklik.claims.models import ClaimDocument, claim_document_path

    document = ClaimDocument(content_type="application/pdf")
    first = claim_document_path(document, "../../etc/passwd")
    second = claim_document_path(document, "../../etc/passwd")
    assert first != second
    assert first.startswith("claims/") and first.endswith(".pdf")
    assert ".." not in first and "passwd" not in first


@pytest.mark.django_db
def test_an_idempotency_key_is_unique_per_member():
    from satuklik.accounts.tests.factories import UserFactory
    from satuklik.claims.models import IdempotencyKey

    jane, budi = UserFactory(member=None), UserFactory(member=None)
    IdempotencyKey.objects.create(user=jane, key="k", request_fingerprint="a")
    IdempotencyKey.objects.create(user=budi, key="k", request_fingerprint="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(user=jane, key="k", request_fingerprint="c")


@pytest.mark.django_db
def test_reference_data_is_seeded():
    from satuklik.claims.models import DocumentRequirement, PublicHoliday, ReasonCode

    assert {
        "LIMIT_AMOUNT",
        "LIMIT_ANNUAL",
        "LIMIT_COUNT",
        "WAITING_PERIOD",
        "DEDUCTIBLE",
        "COPAY",
        "NOT_COVERED",
        "EXCESS_ROOM",
        "NOT_ACTIVE",
        "LATE_SUBMISSION",
        "DOCS_INCOMPLETE",
        "DUPLICATE",
        "OFFICER_ADJUSTMENT",
        "OTHER",
    } <= set(ReasonCode.objects.values_list("code", flat=True))
    for benefit_type in ("INPATIENT", "OUTPATIENT", "DENTAL", "OPTICAL", "MATERNITY"):
        assert DocumentRequirement.objects.filter(benefit_type=benefit_type, required=True).exists()
    assert PublicHoliday.objects.filter(date=datetime.date(2025, 3, 31)).exists()  # Idul Fitri 1446 H

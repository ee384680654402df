"""The database refuses what the importer refuses line by line (issue 12.4), so an admin
form, a shell or a future import path cannot store it either. The importer's own messages
are tested in test_import.py."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from satuklik.policies.models import Beneficiary, BenefitItem, DplkContribution, Member
from satuklik.policies.tests.factories import (
    BeneficiaryFactory,
    BenefitItemFactory,
    DplkContributionFactory,
    MemberFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def _refused(change):
    with pytest.raises(IntegrityError), transaction.atomic():
        change()


def test_a_members_coverage_cannot_end_before_it_starts():
    member = MemberFactory(start_date=D(2025, 3, 1))
    _refused(lambda: Member.objects.filter(pk=member.pk).update(end_date=D(2025, 2, 28)))
    Member.objects.filter(pk=member.pk).update(end_date=D(2025, 3, 1))  # one day of cover is fine
    member.refresh_from_db()
    assert member.end_date == D(2025, 3, 1)


def test_a_dependent_is_not_their_own_principal():
    child = MemberFactory(child_of=MemberFactory())
    _refused(lambda: Member.objects.filter(pk=child.pk).update(principal_id=child.pk))
    assert Member.objects.get(pk=child.pk).principal_id != child.pk


def test_a_count_period_needs_a_count_limit():
    item = BenefitItemFactory(count_limit=None, count_period_months=None)
    _refused(lambda: BenefitItem.objects.filter(pk=item.pk).update(count_period_months=24))
    BenefitItem.objects.filter(pk=item.pk).update(count_limit=1, count_period_months=24)


def test_a_beneficiarys_share_is_at_least_1_percent():
    beneficiary = BeneficiaryFactory(share_percent=50)
    _refused(lambda: Beneficiary.objects.filter(pk=beneficiary.pk).update(share_percent=0))
    assert Beneficiary.objects.get(pk=beneficiary.pk).share_percent == 50


def test_a_dplk_contribution_has_an_employer_or_an_employee_amount():
    contribution = DplkContributionFactory(employer_amount=500_000, employee_amount=0)
    _refused(lambda: DplkContribution.objects.filter(pk=contribution.pk).update(employer_amount=0))
    DplkContribution.objects.filter(pk=contribution.pk).update(employer_amount=0, employee_amount=100_000)

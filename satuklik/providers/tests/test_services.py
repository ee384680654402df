"""The cashless rule at a provider for the member's selected policy."""

import datetime

import pytest

from satuklik.policies.models import BenefitType, Member
from satuklik.policies.tests.factories import (
    IndividualPolicyFactory,
    MemberFactory,
    PlanFactory,
)
from satuklik.providers.models import ProviderType
from satuklik.providers.services import provider_coverage_for_member
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_june_2025(time_machine):
    # The factories' coverage starts on 1 January 2025.
    time_machine.move_to(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC))


@pytest.fixture
def member():
    # PlanFactory's schedule: a cashless item of every benefit type except optical.
    plan = PlanFactory(with_schedule=True)
    return MemberFactory(plan=plan, policy=plan.policy)


def test_cashless_in_network_for_the_plan_for_the_services_offered(member, django_assert_max_num_queries):
    provider = ProviderFactory(network_plans=[member.plan])  # inpatient, outpatient, maternity
    with django_assert_max_num_queries(2):  # network membership, the plan's cashless benefit types
        coverage = provider_coverage_for_member(provider=provider, member=member)
    assert coverage.cashless and coverage.in_network
    assert coverage.benefit_types == [BenefitType.INPATIENT, BenefitType.OUTPATIENT, BenefitType.MATERNITY]
    assert coverage.plan == member.plan


def test_in_network_through_the_policyholder(member):
    provider = ProviderFactory(network_holders=[member.policy.holder], service_dental=True)
    coverage = provider_coverage_for_member(provider=provider, member=member)
    assert coverage.cashless
    assert BenefitType.DENTAL in coverage.benefit_types


def test_not_in_network_means_reimbursement(member):
    other_plan = PlanFactory()
    coverage = provider_coverage_for_member(provider=ProviderFactory(network_plans=[other_plan]), member=member)
    assert not coverage.cashless and not coverage.in_network
    assert coverage.reason == "not_in_network"
    assert coverage.benefit_types == []


def test_a_reimbursement_only_provider_is_never_cashless(member):
    provider = ProviderFactory(network_plans=[member.plan], cashless=False)
    coverage = provider_coverage_for_member(provider=provider, member=member)
    assert coverage.in_network and not coverage.cashless
    assert coverage.reason == "reimbursement_only"


def test_no_cashless_benefit_for_what_the_provider_offers(member):
    # An optician: the plan's optical item is reimbursement only.
    optician = ProviderFactory(
        network_plans=[member.plan],
        provider_type=ProviderType.OPTICAL,
        service_inpatient=False,
        service_outpatient=False,
        service_maternity=False,
        service_optical=True,
    )
    coverage = provider_coverage_for_member(provider=optician, member=member)
    assert not coverage.cashless and coverage.reason == "no_matching_benefit"


def test_a_policy_without_a_health_plan(member):
    insured = IndividualPolicyFactory().policy.members.get()
    coverage = provider_coverage_for_member(provider=ProviderFactory(), member=insured)
    assert not coverage.cashless and coverage.reason == "no_plan"


def test_a_dependent_without_a_plan_of_their_own_follows_the_principal(member):
    child = MemberFactory(child_of=member)
    Member.objects.filter(pk=child.pk).update(plan=None)
    child.refresh_from_db()
    provider = ProviderFactory(network_plans=[member.plan])
    assert provider_coverage_for_member(provider=provider, member=child).cashless


def test_ended_coverage_is_not_cashless(member):
    member.end_date = datetime.date(2025, 3, 31)
    member.save(update_fields=["end_date"])
    coverage = provider_coverage_for_member(provider=ProviderFactory(network_plans=[member.plan]), member=member)
    assert not coverage.cashless and coverage.reason == "not_covered"
    assert str(coverage.message)

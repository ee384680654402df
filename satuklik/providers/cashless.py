"""Whether a member is treated cashless at a provider: the one rule behind the provider
page, the search list's badge, the "cashless only" filter and the API (issue 10.13).

A provider is cashless for a member when the member's cover is in force today, the
provider is a cashless partner in network for the member's plan or for the policy's
holder, and it offers a service the plan covers cashless. Visitors, and members with no
plan, see the provider's general status, labelled as general.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from satuklik.policies.models import BenefitItem, BenefitType
from satuklik.providers.models import SERVICE_FIELDS, Provider


@dataclass(frozen=True)
class CashlessScope:
    """What a member's plan makes cashless: read once per request (one query)."""

    plan_id: int
    holder_id: int | None
    benefit_types: frozenset
    covered: bool


def plan_of(member):
    if member.plan_id:
        return member.plan
    if member.principal_id:
        # A dependent listed without a plan of their own follows the principal's.
        return member.principal.plan
    return None


def cashless_scope_for_member(member) -> CashlessScope | None:
    """None when there is no member or no plan: the general status applies."""
    plan = plan_of(member) if member is not None else None
    if plan is None:
        return None
    types = BenefitItem.objects.filter(plan=plan, cashless=True).values_list("benefit_type", flat=True).distinct()
    return CashlessScope(
        plan_id=plan.pk,
        holder_id=member.policy.holder_id,
        benefit_types=frozenset(types),
        covered=member.is_covered_on(timezone.localdate()),
    )


def in_network_q(scope):
    """Providers in network for the scope's plan or its policy's holder (EXISTS, no row doubling)."""
    condition = Exists(Provider.network_plans.through.objects.filter(provider=OuterRef("pk"), plan=scope.plan_id))
    if scope.holder_id:
        condition |= Exists(
            Provider.network_holders.through.objects.filter(provider=OuterRef("pk"), policyholder=scope.holder_id)
        )
    return Q(condition)


def offers_cashless_service(provider, scope):
    return any(benefit in scope.benefit_types for benefit in provider.services)


def cashless_for_member_q(scope):
    """The rule as a filter: providers where the scope's member is treated cashless."""
    if not scope.covered or not scope.benefit_types:
        return Q(pk__in=[])
    services = Q()
    for benefit in BenefitType:
        if benefit in scope.benefit_types and benefit in SERVICE_FIELDS:
            services |= Q(**{SERVICE_FIELDS[benefit]: True})
    return Q(cashless=True) & in_network_q(scope) & services


def cashless_codes_for_member(providers, scope):
    """The codes, among these providers (one page), where the member is treated cashless.

    One query for the page's network membership, whatever the page's size."""
    if not scope.covered or not providers:
        return set()
    candidates = [p for p in providers if p.cashless and offers_cashless_service(p, scope)]
    if not candidates:
        return set()
    in_network = Provider.objects.filter(pk__in=[p.pk for p in candidates]).filter(in_network_q(scope))
    return set(in_network.values_list("code", flat=True))


def mark_cashless_shown(providers, scope):
    """Sets provider.cashless_shown: cashless for the member when there is a scope, the
    general status otherwise (what a list's badge says)."""
    codes = cashless_codes_for_member(providers, scope) if scope is not None else None
    for provider in providers:
        provider.cashless_shown = provider.code in codes if codes is not None else provider.cashless

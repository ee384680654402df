"""Decisions and writes about providers: what a member's plan covers at a provider, and
keeping the directory's caches in step with its rows."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuklik.policies.models import BenefitItem, BenefitType
from satuklik.providers.cashless import plan_of
from satuklik.providers.importing import ProviderImport, has_network_columns
from satuklik.providers.models import Provider
from satuklik.providers.selectors import cities_cache_clear


@dataclass(frozen=True)
class Coverage:
    """Whether a member can be treated cashless at a provider, and for which benefits."""

    cashless: bool
    in_network: bool
    reason: str
    benefit_types: list = field(default_factory=list)
    plan: object = None

    REASONS = {
        "cashless": _("Cashless: show your eCard at registration."),
        "no_plan": _("Your selected policy has no health benefit plan."),
        "not_covered": _("Your coverage under the selected policy is not active today."),
        "not_in_network": _("Not in your plan's network: pay and claim reimbursement afterwards."),
        "reimbursement_only": _("This provider is reimbursement only: pay and claim afterwards."),
        "no_matching_benefit": _("Your plan has no cashless benefit for the services offered here."),
    }

    @property
    def message(self):
        return self.REASONS[self.reason]

    @property
    def benefit_labels(self):
        return [BenefitType(benefit).label for benefit in self.benefit_types]


def provider_coverage_for_member(*, provider, member):
    """The cashless rule of providers/cashless.py for one provider, with the reason
    when it is not cashless (the provider page says why) and the benefit types it
    applies to.

    Two queries at most: the network membership and the plan's cashless benefit types.
    """
    plan = plan_of(member)
    if plan is None:
        return Coverage(cashless=False, in_network=False, reason="no_plan")
    in_network_condition = Q(network_plans=plan.pk)
    holder_id = member.policy.holder_id
    if holder_id:
        in_network_condition |= Q(network_holders=holder_id)
    in_network = Provider.objects.filter(pk=provider.pk).filter(in_network_condition).exists()
    if not member.is_covered_on(timezone.localdate()):
        return Coverage(cashless=False, in_network=in_network, reason="not_covered", plan=plan)
    if not in_network:
        return Coverage(cashless=False, in_network=False, reason="not_in_network", plan=plan)
    if not provider.cashless:
        return Coverage(cashless=False, in_network=True, reason="reimbursement_only", plan=plan)
    plan_types = set(
        BenefitItem.objects.filter(plan=plan, cashless=True).values_list("benefit_type", flat=True).distinct()
    )
    offered = set(provider.services)
    benefit_types = [benefit for benefit in BenefitType if benefit in plan_types and benefit in offered]
    if not benefit_types:
        return Coverage(cashless=False, in_network=True, reason="no_matching_benefit", plan=plan)
    return Coverage(cashless=True, in_network=True, reason="cashless", benefit_types=benefit_types, plan=plan)


def providers_changed():
    """Call after any write to providers: the city list (and its centres) is cached."""
    cities_cache_clear()


def providers_import(*, file, file_name="", dry_run=False):
    """Import a provider directory file (CSV/XLSX): all rows or none, with a report.

    Keyed on the provider code, so the same file twice changes nothing. When the file
    has network_plans/network_holders columns, each provider's network becomes what its
    row lists; without them the networks already set are left alone.
    """
    importer = ProviderImport(replace_network=has_network_columns(file, file_name=file_name))
    report = importer.run(file, file_name=file_name, dry_run=dry_run)
    if report.ok and not dry_run:
        transaction.on_commit(providers_changed)
    return report

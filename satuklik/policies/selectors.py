"""Reads for the member's own policies, always scoped to the person asking.

A person sees a membership (policies.Member) when one of their ACTIVE links points at
it, and a principal's link also shows the principal's dependents. A dependent with an
account of their own is linked to their own membership and sees only themselves.
Anything else is a 404, never a 403: we don't confirm that it exists.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import PolicyLink
from satuklik.core.dates import add_months
from satuklik.policies.models import (
    BenefitItem,
    DplkAccount,
    DplkContribution,
    IndividualPolicy,
    Member,
    Policy,
    PolicyType,
)

# --- Labels ----------------------------------------------------------------------------

# The short type names of the policy dropdown: "12345678 (Group)".
POLICY_TYPE_SHORT = {
    PolicyType.GROUP: _("Group"),
    PolicyType.INDIVIDUAL: _("Individual"),
    PolicyType.DPLK: _("DPLK"),
}


def membership_number(member) -> str:
    """The number a person knows a membership by: the DPLK participant number, else the policy number."""
    if member.policy.policy_type == PolicyType.DPLK:
        return member.participant_number
    return member.policy.number


def membership_label(member) -> str:
    """'12345678 (Group)', '00056789 (Individual)', '00012345 (DPLK)': the one rule for every list."""
    return f"{membership_number(member)} ({POLICY_TYPE_SHORT[member.policy.policy_type]})"


# --- Links and the selected policy ------------------------------------------------------


def _links(user):
    return PolicyLink.objects.filter(user=user).select_related(
        "member__policy__holder", "member__plan", "member__principal"
    )


def links_for_menu(*, user) -> list[PolicyLink]:
    """The person's linked (ACTIVE) and waiting (PENDING) memberships, oldest first."""
    return list(
        _links(user)
        .filter(status__in=[PolicyLink.Status.ACTIVE, PolicyLink.Status.PENDING])
        .order_by("created_at", "id")
    )


def pick_selected(links, *, user):
    """The remembered ACTIVE link if still there, else the first ACTIVE one (no query)."""
    active = [link for link in links if link.status == PolicyLink.Status.ACTIVE]
    for link in active:
        if link.pk == user.selected_link_id:
            return link
    return active[0] if active else None


def selected_link_for_user(*, user):
    """The link the pages follow (one query)."""
    return pick_selected(links_for_menu(user=user), user=user)


def active_link_get(*, user, link_id) -> PolicyLink:
    try:
        return _links(user).get(pk=link_id, status=PolicyLink.Status.ACTIVE)
    except (PolicyLink.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def linked_member_ids(*, user):
    return PolicyLink.objects.filter(user=user, status=PolicyLink.Status.ACTIVE).values("member_id")


# --- Members ----------------------------------------------------------------------------


def _members():
    return Member.objects.select_related("policy__holder", "plan", "principal")


def visible_members(*, user):
    """Every membership the person may see: theirs and, under a principal, the dependents."""
    linked = linked_member_ids(user=user)
    return _members().filter(Q(pk__in=linked) | Q(principal_id__in=linked))


def member_get_for_user(*, user, member_id, policy_type=None) -> Member:
    """One visible membership (optionally only of one policy type), else 404."""
    members = visible_members(user=user)
    if policy_type:
        members = members.filter(policy__policy_type=policy_type)
    try:
        return members.get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def covered_members(*, member) -> list[Member]:
    """The participant and, for a principal, the dependents: who a link covers (one query)."""
    if member.relation != Member.Relation.PRINCIPAL:
        return [member]
    family = _members().filter(Q(pk=member.pk) | Q(principal_id=member.pk))
    # The principal first, then the dependents by participant number (NULLs sort
    # differently on SQLite and PostgreSQL, so not in SQL).
    return sorted(family, key=lambda m: (m.principal_id is not None, m.participant_number))


def plan_benefit_types(*, member) -> list[str]:
    """The benefit types of the participant's plan, in the order of BenefitType."""
    if member.plan_id is None:
        return []
    from satuklik.policies.models import BenefitType

    present = set(BenefitItem.objects.filter(plan_id=member.plan_id).values_list("benefit_type", flat=True).distinct())
    return [value for value in BenefitType.values if value in present]


# --- Individual policies -----------------------------------------------------------------

GRACE_PERIOD_DAYS = 45
# A premium is shown as "due" from this many days before its due date.
DUE_NOTICE_DAYS = 30


@dataclass(frozen=True)
class PaymentStanding:
    status: str  # one of IndividualPolicy.PaymentStatus
    next_due_date: datetime.date | None
    grace_ends: datetime.date | None

    @property
    def label(self):
        return IndividualPolicy.PaymentStatus(self.status).label


def individual_payment_status(
    *, next_due_date: datetime.date | None, today: datetime.date, policy_status: str = Policy.Status.ACTIVE
) -> PaymentStanding:
    """Paid, due, in the 45-day grace period, or lapsed, from the next due date.

    - no next due date (single premium, fully paid): paid;
    - more than 30 days before the due date: paid; from 30 days before to the due date: due;
    - up to 45 days after the due date: in the grace period (cover continues);
    - later, or when the core system says the policy lapsed or ended: lapsed.
    """
    if policy_status in (Policy.Status.LAPSED, Policy.Status.TERMINATED):
        grace_ends = next_due_date + datetime.timedelta(days=GRACE_PERIOD_DAYS) if next_due_date else None
        return PaymentStanding(IndividualPolicy.PaymentStatus.LAPSED, next_due_date, grace_ends)
    if next_due_date is None:
        return PaymentStanding(IndividualPolicy.PaymentStatus.PAID, None, None)
    grace_ends = next_due_date + datetime.timedelta(days=GRACE_PERIOD_DAYS)
    if today < next_due_date - datetime.timedelta(days=DUE_NOTICE_DAYS):
        status = IndividualPolicy.PaymentStatus.PAID
    elif today <= next_due_date:
        status = IndividualPolicy.PaymentStatus.DUE
    elif today <= grace_ends:
        status = IndividualPolicy.PaymentStatus.GRACE
    else:
        status = IndividualPolicy.PaymentStatus.LAPSED
    return PaymentStanding(status, next_due_date, grace_ends)


def individual_policy_for_member(*, member) -> IndividualPolicy:
    """The Individu policy details with beneficiaries and the insured (404 when the core sent none)."""
    try:
        return (
            IndividualPolicy.objects.select_related("policy")
            .prefetch_related("policy__beneficiaries")
            .get(policy_id=member.policy_id)
        )
    except IndividualPolicy.DoesNotExist:
        raise Http404 from None


def policy_insured(*, policy) -> list[Member]:
    insured = Member.objects.filter(policy=policy)
    return sorted(insured, key=lambda m: (m.principal_id is not None, m.participant_number))


# --- DPLK --------------------------------------------------------------------------------

DEFAULT_ASSUMED_RETURN = 6.0
MAX_ASSUMED_RETURN = 20.0


def dplk_account_for_member(*, member) -> DplkAccount:
    try:
        return (
            DplkAccount.objects.select_related("member__policy", "employer")
            .prefetch_related("fund_balances")
            .get(member=member)
        )
    except DplkAccount.DoesNotExist:
        raise Http404 from None


def dplk_contributions(*, account, year: int | None = None):
    contributions = DplkContribution.objects.filter(account=account).order_by("-paid_on", "-id")
    if year:
        contributions = contributions.filter(paid_on__year=year)
    return contributions


def dplk_contribution_years(*, account) -> list[int]:
    return [day.year for day in DplkContribution.objects.filter(account=account).dates("paid_on", "year", order="DESC")]


def dplk_contribution_totals(*, contributions) -> dict:
    totals = contributions.order_by().aggregate(employer=Sum("employer_amount"), employee=Sum("employee_amount"))
    employer, employee = totals["employer"] or 0, totals["employee"] or 0
    return {"employer": employer, "employee": employee, "total": employer + employee}


def dplk_annual_contribution(*, account, today: datetime.date) -> int:
    """What went in during the twelve months up to today: the projection assumes it continues."""
    since = add_months(today, -12)
    totals = dplk_contribution_totals(
        contributions=DplkContribution.objects.filter(account=account, paid_on__gt=since, paid_on__lte=today)
    )
    return totals["total"]


@dataclass(frozen=True)
class Retirement:
    age: int
    date: datetime.date
    months_to_go: int

    @property
    def years_to_go(self) -> int:
        return self.months_to_go // 12

    @property
    def extra_months(self) -> int:
        return self.months_to_go % 12


def retirement_for(*, date_of_birth: datetime.date, retirement_age: int, today: datetime.date) -> Retirement:
    """Retirement on the birthday at the normal retirement age; whole months left from today."""
    day = add_months(date_of_birth, 12 * retirement_age)
    months = (day.year - today.year) * 12 + (day.month - today.month)
    if day.day < today.day:
        months -= 1
    return Retirement(age=retirement_age, date=day, months_to_go=max(0, months))


def project_balance(*, balance: int, annual_contribution: int, annual_return_percent: float, months: int) -> int:
    """The balance at retirement if the same yearly contribution keeps coming in monthly.

    Monthly compounding at the monthly rate equivalent to the annual return
    ((1 + r) ** (1/12) - 1), the contribution spread in twelve equal parts paid at the
    end of each month. Rounded to the rupiah. An illustration, not a promise.
    """
    if months <= 0:
        return balance
    rate = (1 + annual_return_percent / 100) ** (1 / 12) - 1
    monthly = annual_contribution / 12
    growth = (1 + rate) ** months
    contributions = monthly * months if rate == 0 else monthly * (growth - 1) / rate
    value = balance * growth + contributions
    if not math.isfinite(value):
        raise ValueError("projection out of range")
    return round(value)


@dataclass
class HomeAction:
    """Something the member should do now, shown above the main menu's tiles."""

    kind: str
    text: str
    url: str
    link_text: str


def home_actions(*, user, selected) -> list[HomeAction]:
    """Claims waiting for documents and cards of the selected Group policy not activated yet.

    Three queries whatever the number of claims and dependents. (Pending links are listed
    from the menu's own links.)
    """
    from django.urls import reverse
    from django.utils.translation import ngettext

    from satuklik.claims.models import Claim
    from satuklik.claims.selectors import claims_visible_to

    actions = []
    waiting = list(
        claims_visible_to(user=user)
        .filter(status=Claim.Status.DOCUMENTS_REQUESTED)
        .order_by("-submitted_at")
        .values_list("pk", "number")[:3]
    )
    for claim_id, number in waiting:
        actions.append(
            HomeAction(
                kind="documents",
                text=_("Claim %(number)s needs more documents.") % {"number": number},
                url=reverse("claims:detail", args=[claim_id]),
                link_text=_("Upload them"),
            )
        )
    if selected is not None and selected.member.policy.policy_type == PolicyType.GROUP:
        member_id = selected.member_id
        inactive = (
            Member.objects.filter(Q(pk=member_id) | Q(principal_id=member_id), status=Member.Status.ACTIVE)
            .filter(card_activation__isnull=True)
            .count()
        )
        if inactive:
            actions.append(
                HomeAction(
                    kind="card",
                    text=ngettext(
                        "%(count)d eCard is not activated yet: activate it before you visit a hospital.",
                        "%(count)d eCards are not activated yet: activate them before you visit a hospital.",
                        inactive,
                    )
                    % {"count": inactive},
                    url=reverse("cards:list"),
                    link_text=_("Activate"),
                )
            )
    return actions

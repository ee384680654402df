"""Selectors: labels, who may see which participant, payment standing, retirement, projection."""

import datetime

import pytest
from django.http import Http404

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.policies import selectors
from satuklik.policies.models import Policy
from satuklik.policies.tests.factories import (
    DplkAccountFactory,
    DplkContributionFactory,
    IndividualPolicyFactory,
    MemberFactory,
    PolicyFactory,
)

D = datetime.date


# --- labels ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_membership_label_uses_the_policy_number_and_for_dplk_the_participant_number(settings):
    settings.LANGUAGE_CODE = "en"
    group = MemberFactory(policy=PolicyFactory(number="12345678"))
    individual = IndividualPolicyFactory(policy__number="00056789").policy.members.get()
    dplk = DplkAccountFactory(member__participant_number="00012345").member
    assert selectors.membership_label(group) == "12345678 (Group)"
    assert selectors.membership_label(individual) == "00056789 (Individual)"
    assert selectors.membership_label(dplk) == "00012345 (DPLK)"


# --- visibility -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_principal_sees_the_dependents_and_nothing_else():
    principal = MemberFactory()
    spouse = MemberFactory(spouse_of=principal)
    child = MemberFactory(child_of=principal)
    stranger = MemberFactory()
    user = UserFactory(member=principal)

    visible = set(selectors.visible_members(user=user).values_list("pk", flat=True))
    assert visible == {principal.pk, spouse.pk, child.pk}
    assert selectors.member_get_for_user(user=user, member_id=child.pk) == child
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=user, member_id=stranger.pk)
    assert [m.pk for m in selectors.covered_members(member=principal)] == [principal.pk, spouse.pk, child.pk]


@pytest.mark.django_db
def test_a_dependent_with_an_own_account_sees_only_themselves():
    principal = MemberFactory()
    spouse = MemberFactory(spouse_of=principal)
    child = MemberFactory(child_of=principal)
    spouse_user = UserFactory(member=spouse)

    assert list(selectors.visible_members(user=spouse_user)) == [spouse]
    for other in (principal, child):
        with pytest.raises(Http404):
            selectors.member_get_for_user(user=spouse_user, member_id=other.pk)
    assert selectors.covered_members(member=spouse) == [spouse]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [PolicyLink.Status.PENDING, PolicyLink.Status.REJECTED, PolicyLink.Status.UNLINKED])
def test_only_active_links_give_access(status):
    member = MemberFactory()
    user = UserFactory(member=None)
    PolicyLinkFactory(user=user, member=member, status=status)
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=user, member_id=member.pk)


@pytest.mark.django_db
def test_member_of_another_policy_type_is_not_found():
    member = MemberFactory()
    user = UserFactory(member=member)
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=user, member_id=member.pk, policy_type="DPLK")
    with pytest.raises(Http404):
        selectors.member_get_for_user(user=user, member_id="not a number")


@pytest.mark.django_db
def test_the_remembered_selection_wins_while_active():
    user = UserFactory()
    first = user.policy_links.get()
    second = PolicyLinkFactory(user=user)
    pending = PolicyLinkFactory(user=user, status=PolicyLink.Status.PENDING)
    assert selectors.selected_link_for_user(user=user) == first
    user.selected_link = second
    assert selectors.selected_link_for_user(user=user) == second
    # A pending link is never the selection, even if remembered.
    user.selected_link = pending
    assert selectors.selected_link_for_user(user=user) == first
    assert [link.pk for link in selectors.links_for_menu(user=user)] == [first.pk, second.pk, pending.pk]


# --- Individu payment status -------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2025, 1, 1), "PAID"),  # 61 days before the due date of 3 March 2025
        (D(2025, 1, 31), "PAID"),  # 31 days before
        (D(2025, 2, 1), "DUE"),  # 30 days before (February 2025 has 28 days): due
        (D(2025, 3, 3), "DUE"),  # the due date itself
        (D(2025, 3, 4), "GRACE"),  # a day late: in the grace period
        (D(2025, 4, 17), "GRACE"),  # 45th day after the due date
        (D(2025, 4, 18), "LAPSED"),  # 46th day: lapsed
    ],
)
def test_payment_status_from_the_next_due_date(today, status):
    # Due from 30 days before the due date (1 February), grace until 45 days after it
    # (3 March + 45 days = 17 April), lapsed from the day after.
    standing = selectors.individual_payment_status(next_due_date=D(2025, 3, 3), today=today)
    assert standing.status == status, today
    assert standing.next_due_date == D(2025, 3, 3)


def test_grace_period_is_45_days_after_the_due_date():
    # 3 March 2025 + 45 days = 17 April 2025 (28 days left in March + 17 in April).
    due = D(2025, 3, 3)
    assert selectors.individual_payment_status(next_due_date=due, today=D(2025, 3, 10)).grace_ends == D(2025, 4, 17)
    assert selectors.individual_payment_status(next_due_date=due, today=D(2025, 4, 17)).status == "GRACE"
    assert selectors.individual_payment_status(next_due_date=due, today=D(2025, 4, 18)).status == "LAPSED"


def test_payment_status_without_due_date_or_with_a_lapsed_policy():
    assert selectors.individual_payment_status(next_due_date=None, today=D(2025, 1, 1)).status == "PAID"
    lapsed = selectors.individual_payment_status(
        next_due_date=D(2025, 3, 3), today=D(2025, 1, 1), policy_status=Policy.Status.LAPSED
    )
    assert lapsed.status == "LAPSED"


# --- DPLK --------------------------------------------------------------------------------


def test_retirement_date_and_time_to_go():
    # Born 14 March 1988, retires at 56: 14 March 2044.
    r = selectors.retirement_for(date_of_birth=D(1988, 3, 14), retirement_age=56, today=D(2025, 6, 15))
    assert r.date == D(2044, 3, 14)
    # 15 June 2025 -> 14 March 2044: 18 years and 8 whole months (14 Feb 2044 + 1 month is 14 March).
    assert (r.years_to_go, r.extra_months, r.months_to_go) == (18, 8, 224)
    past = selectors.retirement_for(date_of_birth=D(1960, 1, 1), retirement_age=56, today=D(2025, 6, 15))
    assert past.months_to_go == 0


def test_projection_hand_computed():
    # Nothing invested, no return: the balance stays.
    assert selectors.project_balance(balance=1_000_000, annual_contribution=0, annual_return_percent=0, months=120) == (
        1_000_000
    )
    # No return: 10 years of 6,000,000 a year = 60,000,000 on top of 1,000,000.
    assert (
        selectors.project_balance(balance=1_000_000, annual_contribution=6_000_000, annual_return_percent=0, months=120)
        == 61_000_000
    )
    # 10 % a year for exactly two years, no contributions: 10,000,000 x 1.1 x 1.1 = 12,100,000.
    assert (
        selectors.project_balance(balance=10_000_000, annual_contribution=0, annual_return_percent=10, months=24)
        == 12_100_000
    )
    # 12 months at 12.6825 % a year (1 % a month), 1,200,000 a year paid 100,000 a month at
    # month end: 100,000 x ((1.01^12 - 1) / 0.01) = 100,000 x 12.682503 = 1,268,250.
    assert (
        selectors.project_balance(
            balance=0, annual_contribution=1_200_000, annual_return_percent=12.682503013196977, months=12
        )
        == 1_268_250
    )
    assert selectors.project_balance(balance=5, annual_contribution=5, annual_return_percent=5, months=0) == 5


@pytest.mark.django_db
def test_annual_contribution_is_the_last_twelve_months():
    account = DplkAccountFactory()
    DplkContributionFactory(account=account, paid_on=D(2024, 6, 15), employer_amount=1, employee_amount=1)
    DplkContributionFactory(account=account, paid_on=D(2024, 6, 16), employer_amount=300, employee_amount=200)
    DplkContributionFactory(account=account, paid_on=D(2025, 6, 15), employer_amount=3_000, employee_amount=2_000)
    # 15 June 2024 is outside (the window starts the day after), 16 June 2024 and 15 June 2025 in.
    assert selectors.dplk_annual_contribution(account=account, today=D(2025, 6, 15)) == 5_500
    assert selectors.dplk_contribution_years(account=account) == [2025, 2024]

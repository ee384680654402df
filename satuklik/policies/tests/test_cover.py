"""Whether cover is in force on a day, at its boundaries: one rule for submission,
adjudication, the eCard and Member.is_covered_on."""

import datetime

import pytest

from satuklik.cards.selectors import card_verify
from satuklik.claims.adjudication import Reason, estimate_lines
from satuklik.policies.cover import cover_in_force
from satuklik.policies.models import Member, Policy
from satuklik.policies.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LAST_DAY = D(2025, 3, 15)  # the lapsed policy's end date: its last day of cover
LAPSE_DAY = D(2025, 3, 16)  # the first day without cover


def _member(*, policy_status=Policy.Status.ACTIVE, policy_end=None, member_status=Member.Status.ACTIVE, end=None):
    member = MemberFactory(start_date=D(2024, 1, 1), end_date=end, status=member_status)
    policy = member.policy
    policy.start_date, policy.end_date, policy.status = D(2024, 1, 1), policy_end, policy_status
    policy.save()
    return Member.objects.select_related("policy").get(pk=member.pk)


def _all_agree(member, day):
    """Every caller gives the same answer: the function, the model, adjudication."""
    answers = {
        cover_in_force(member, day),
        member.is_covered_on(day),
        estimate_lines(member=member, benefit_type="OUTPATIENT", treatment_date=day, lines=[]).claim_reason
        != Reason.NOT_ACTIVE,
    }
    assert len(answers) == 1, answers
    return answers.pop()


def test_lapsed_policy_covers_treatment_up_to_its_end_date_not_after():
    member = _member(policy_status=Policy.Status.LAPSED, policy_end=LAST_DAY)
    assert _all_agree(member, LAST_DAY - datetime.timedelta(days=1))
    assert _all_agree(member, LAST_DAY)
    assert not _all_agree(member, LAPSE_DAY)


def test_lapsed_policy_covers_nothing_from_today_whatever_end_date_it_carries():
    member = _member(policy_status=Policy.Status.LAPSED, policy_end=D(2025, 12, 31))
    today = D(2025, 3, 19)
    assert cover_in_force(member, today - datetime.timedelta(days=1), today=today)
    assert not cover_in_force(member, today, today=today)


def test_lapsed_policy_without_an_end_date_covers_no_day():
    member = _member(policy_status=Policy.Status.LAPSED, policy_end=None)
    assert not _all_agree(member, D(2024, 6, 1))


def test_grace_period_still_covers_and_after_it_the_lapse_ends_cover():
    in_grace = _member(policy_status=Policy.Status.GRACE, policy_end=None)
    assert _all_agree(in_grace, D(2025, 3, 19))
    # After the grace period the core system marks the policy lapsed, its end date the last day of grace.
    grace_ended = _member(policy_status=Policy.Status.LAPSED, policy_end=LAST_DAY)
    assert _all_agree(grace_ended, LAST_DAY)
    assert not _all_agree(grace_ended, LAPSE_DAY)


def test_member_end_date_is_the_last_day_of_cover():
    member = _member(end=LAST_DAY)
    assert _all_agree(member, LAST_DAY)
    assert not _all_agree(member, LAPSE_DAY)
    assert not _all_agree(member, D(2023, 12, 31))  # before the start date


def test_member_who_left_is_covered_up_to_their_end_date_only():
    left = _member(member_status=Member.Status.INACTIVE, end=LAST_DAY)
    assert _all_agree(left, LAST_DAY)
    assert not _all_agree(left, LAPSE_DAY)
    no_end = _member(member_status=Member.Status.INACTIVE, end=None)
    assert not _all_agree(no_end, D(2024, 6, 1))


def test_ecard_is_valid_up_to_the_lapse_not_after():
    from satuklik.accounts.tests.factories import UserFactory
    from satuklik.cards import services as card_services
    from satuklik.cards.selectors import Card

    member = _member(policy_status=Policy.Status.GRACE)
    card_services.card_activate(member=member, by=UserFactory(member=member))
    member = Member.objects.select_related("policy__holder", "plan", "card_activation").get(pk=member.pk)
    token = Card(member=member, activation=member.card_activation).payload
    assert card_verify(token=token, today=D(2025, 3, 19)).valid
    Policy.objects.filter(pk=member.policy_id).update(status=Policy.Status.LAPSED)
    # Once lapsed the card is not valid, whatever end date the policy still carries.
    Policy.objects.filter(pk=member.policy_id).update(end_date=D(2025, 12, 31))
    assert card_verify(token=token, today=D(2025, 3, 19)).reason == "policy_inactive"

"""Whether a participant's cover is in force on a day: the one rule.

Claim submission, adjudication, the eCard, registration and the hospital finder all ask
this function, so a claim that can be submitted is one adjudication accepts.

- The participant is covered from their start date to their end date (inclusive), under a
  policy covering from its start date to its end date (inclusive).
- A policy in its grace period (premium unpaid) still covers: cover continues in grace.
- Once a policy has lapsed or been terminated, its end date is the last day of cover: treatment
  on or before it stays claimable (claims arrive weeks after the care), treatment after it is
  not. A lapsed policy covers nothing from today on, whatever end date it still carries (the
  end of the term it will not reach). Without an end date there is no day known to be
  covered, so none is.
- The same goes for a participant no longer active: covered up to their end date, if any,
  and not from today on.
"""

import datetime

from django.utils import timezone

from satuklik.policies.models import Member, Policy

STOPPED_POLICY_STATUSES = (Policy.Status.LAPSED, Policy.Status.TERMINATED)


def cover_in_force_on(
    *,
    member_status: str,
    member_start: datetime.date,
    member_end: datetime.date | None,
    policy_status: str,
    policy_start: datetime.date,
    policy_end: datetime.date | None,
    on_date: datetime.date,
    today: datetime.date | None = None,
) -> bool:
    """The rule on plain values (adjudication reads them in bulk, without model instances)."""
    today = today or timezone.localdate()
    stopped = member_status != Member.Status.ACTIVE or policy_status in STOPPED_POLICY_STATUSES
    if stopped and on_date >= today:
        return False
    if on_date < member_start or on_date < policy_start:
        return False
    if member_end and on_date > member_end:
        return False
    if policy_end and on_date > policy_end:
        return False
    if member_status != Member.Status.ACTIVE and member_end is None:
        return False
    return not (policy_status in STOPPED_POLICY_STATUSES and policy_end is None)


def cover_in_force(member: Member, on_date: datetime.date, *, today: datetime.date | None = None) -> bool:
    """Was this participant covered on that day? Reads `member.policy` (select it with the member)."""
    policy = member.policy
    return cover_in_force_on(
        member_status=member.status,
        member_start=member.start_date,
        member_end=member.end_date,
        policy_status=policy.status,
        policy_start=policy.start_date,
        policy_end=policy.end_date,
        on_date=on_date,
        today=today,
    )

"""Reads for eCards, scoped to the person asking, and the public verification of a payload."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import PolicyLink
from satuklik.cards import signing
from satuklik.cards.models import CardActivation, CardRevocation
from satuklik.policies import selectors as policy_selectors
from satuklik.policies.cover import cover_in_force
from satuklik.policies.models import Member, PolicyType


def _activation_of(member):
    try:
        return member.card_activation
    except CardActivation.DoesNotExist:
        return None


def card_valid_from(member) -> datetime.date:
    return max(member.start_date, member.policy.start_date)


def card_valid_until(member) -> datetime.date | None:
    """The last day of cover: the earlier of the member's and the policy's end dates."""
    ends = [day for day in (member.end_date, member.policy.end_date) if day]
    return min(ends) if ends else None


@dataclass
class Card:
    """One participant's card as the member sees it; `payload` only once activated."""

    member: Member
    activation: CardActivation | None

    @property
    def activated(self) -> bool:
        return self.activation is not None

    @property
    def policy(self):
        return self.member.policy

    @property
    def employer(self) -> str:
        return self.member.policy.holder_display

    @property
    def plan_name(self) -> str:
        return self.member.plan.name if self.member.plan_id else ""

    @property
    def valid_from(self):
        return card_valid_from(self.member)

    @property
    def valid_until(self):
        return card_valid_until(self.member)

    @property
    def serial(self):
        return self.activation.serial if self.activation else None

    @property
    def payload(self) -> str:
        if self.activation is None:
            return ""
        return signing.payload_sign(
            signing.payload_body(
                policy_number=self.member.policy.number,
                participant_number=self.member.participant_number,
                valid_until=self.valid_until,
                issued_on=self.activation.issued_on,
                serial=self.activation.serial,
            )
        )


_CARD_RELATED = ("policy__holder", "plan", "principal", "card_activation")


def cards_for_user(*, user) -> list[Card]:
    """A card for every participant covered by the person's active Group links.

    Only Group (health) memberships have cards: the card is what a partner hospital
    checks. Three queries whatever the number of links and dependents.
    """
    links = list(
        PolicyLink.objects.filter(
            user=user, status=PolicyLink.Status.ACTIVE, member__policy__policy_type=PolicyType.GROUP
        )
        .select_related(*[f"member__{path}" for path in _CARD_RELATED])
        .order_by("created_at", "id")
    )
    principal_ids = [link.member_id for link in links if link.member.relation == Member.Relation.PRINCIPAL]
    dependents = {}
    if principal_ids:
        for member in Member.objects.filter(principal_id__in=principal_ids).select_related(*_CARD_RELATED):
            dependents.setdefault(member.principal_id, []).append(member)
    cards, seen = [], set()
    for link in links:
        family = [link.member] + sorted(dependents.get(link.member_id, []), key=lambda m: m.participant_number)
        for member in family:
            if member.pk not in seen:
                seen.add(member.pk)
                cards.append(Card(member=member, activation=_activation_of(member)))
    return cards


def card_get_for_user(*, user, member_id) -> Card:
    member = policy_selectors.member_get_for_user(user=user, member_id=member_id, policy_type=PolicyType.GROUP)
    activation = CardActivation.objects.filter(member=member).first()
    return Card(member=member, activation=activation)


def activated_card_get_for_user(*, user, member_id) -> Card:
    card = card_get_for_user(user=user, member_id=member_id)
    if not card.activated:
        raise Http404
    return card


# --- Verification -----------------------------------------------------------------------

REASONS = {
    "valid": _("Genuine card; the coverage is active today."),
    "malformed": _("This is not a card code we issued: it can't be read."),
    "tampered": _("The card code has been altered: its signature does not match. Do not accept this card."),
    "unknown": _("Genuine signature, but no such participant is on record any more."),
    "not_activated": _("This card has not been activated."),
    "revoked": _("This card has been revoked and is no longer valid."),
    "expired": _("The coverage on this card has ended: not active."),
    "not_started": _("The coverage on this card has not started yet: not active."),
    "policy_inactive": _("The policy is not in force: coverage not active."),
}


@dataclass
class Verification:
    valid: bool
    reason: str
    checked_on: datetime.date
    card: Card | None = None  # only for a genuine payload of a participant on record

    @property
    def message(self):
        return REASONS[self.reason]

    @property
    def genuine(self) -> bool:
        return self.reason not in ("malformed", "tampered")


def card_verify(*, token: str, today: datetime.date) -> Verification:
    """Is the card behind this QR payload genuine, and is its coverage active today?

    Invalid when: unreadable (malformed), signature mismatch (tampered), participant
    gone (unknown), never activated, revoked (a revocation of its serial, a newer
    serial, the participant marked inactive, or no active link to an account any
    more), expired (cover ended, on the payload or on record), not started, or the
    policy lapsed/terminated. Three queries at most.
    """
    try:
        body = signing.payload_verify(token)
    except signing.PayloadError as error:
        return Verification(valid=False, reason=error.reason, checked_on=today)
    member = (
        Member.objects.select_related(*_CARD_RELATED)
        .filter(policy__number=body["p"], participant_number=body["m"])
        .first()
    )
    if member is None:
        return Verification(valid=False, reason="unknown", checked_on=today)
    activation = _activation_of(member)
    card = Card(member=member, activation=activation)

    def result(reason):
        return Verification(valid=reason == "valid", reason=reason, checked_on=today, card=card)

    if activation is None:
        return result("not_activated")
    if (
        body["s"] != activation.serial
        or member.status != Member.Status.ACTIVE
        or CardRevocation.objects.filter(member=member, serial=body["s"]).exists()
    ):
        return result("revoked")
    # The card's account link: the participant's own, or the principal's for a dependent.
    covering = Q(member=member)
    if member.principal_id:
        covering |= Q(member_id=member.principal_id)
    if not PolicyLink.objects.filter(covering, status=PolicyLink.Status.ACTIVE).exists():
        return result("revoked")
    until = card_valid_until(member)
    if (body["u"] and body["u"] < today) or (until and until < today):
        return result("expired")
    if card_valid_from(member) > today:
        return result("not_started")
    if not cover_in_force(member, today, today=today):
        return result("policy_inactive")
    return result("valid")

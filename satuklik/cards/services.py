"""Writes for eCards: activate once, revoke a serial, reissue with a new serial."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuklik.cards.models import CardActivation, CardRevocation
from satuklik.policies.models import Member

logger = logging.getLogger(__name__)


class CardError(Exception):
    def __init__(self, code: str, message):
        self.code = code
        self.message = message
        super().__init__(code)


def card_activate(*, member: Member, by) -> CardActivation:
    """Activate a participant's card (the caller has checked `by` may see the member).

    Idempotent: activating an active card returns it unchanged. Refused for a
    participant who is not active or whose cover has ended.
    """
    today = timezone.localdate()
    # Activation looks at the participant only (a card may be activated ahead of the first day
    # of cover); whether the card is valid on a day is the verification's cover_in_force.
    if member.status != Member.Status.ACTIVE or (member.end_date and member.end_date < today):
        raise CardError("not_covered", _("This participant's coverage is not active: the card can't be activated."))
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        activation, created = CardActivation.objects.get_or_create(
            member=member,
            defaults={"activated_by": by, "activated_at": timezone.now(), "issued_on": today},
        )
    if created:
        logger.info("eCard of member %s activated by user %s", member.pk, getattr(by, "pk", None))
    return activation


def cards_activate_all(*, cards, by) -> tuple[list, list]:
    """Activate every card of the list that is not active yet ("Aktifkan semua kartu").

    `cards` come from selectors.cards_for_user(user=by), so each is one the person may
    see. Returns (activated cards, [(card, error message)] for those that could not be).
    """
    activated, refused = [], []
    for card in cards:
        if card.activated:
            continue
        try:
            card_activate(member=card.member, by=by)
        except CardError as error:
            refused.append((card, error.message))
        else:
            activated.append(card)
    return activated, refused


def card_revoke(*, member: Member, by, reason: str = "") -> CardRevocation:
    """Declare the current serial of a participant's card invalid (staff)."""
    with transaction.atomic():
        activation = CardActivation.objects.select_for_update().filter(member=member).first()
        if activation is None:
            raise CardError("not_activated", _("This card has not been activated."))
        revocation, _created = CardRevocation.objects.get_or_create(
            member=member,
            serial=activation.serial,
            defaults={"revoked_at": timezone.now(), "revoked_by": by, "reason": reason[:300]},
        )
    logger.info("eCard of member %s serial %s revoked", member.pk, activation.serial)
    return revocation


def card_reissue(*, member: Member, by) -> CardActivation:
    """A new serial (and QR code) for a card: every older QR code stops verifying."""
    with transaction.atomic():
        activation = CardActivation.objects.select_for_update().filter(member=member).first()
        if activation is None:
            raise CardError("not_activated", _("This card has not been activated."))
        activation.serial += 1
        activation.issued_on = timezone.localdate()
        activation.save(update_fields=["serial", "issued_on"])
    logger.info("eCard of member %s reissued as serial %s", member.pk, activation.serial)
    return activation

"""The digital member card (eCard): activation once per card, serials and revocations.

A card is not a row of its own: it is a covered participant (policies.Member) of a
Group policy seen through an active link. What the card holds comes from the member
data; these models only record what the portal decides about it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satuklik.policies.models import Member


class CardActivation(models.Model):
    """A card activated by the member ("View & Activation eCard").

    `serial` is printed in the QR payload; reissuing a card bumps it, and a QR code
    with an older serial no longer verifies. `issued_on` (the day of activation or of
    the last reissue) goes into the payload too, so the same card always carries the
    same QR code.
    """

    member = models.OneToOneField(
        Member, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="card_activation"
    )
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(_("activated"))
    serial = models.PositiveIntegerField(_("card serial"), default=1)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("eCard activation")
        verbose_name_plural = _("eCard activations")

    def __str__(self):
        return f"{self.member.participant_number} #{self.serial}"


class CardRevocation(models.Model):
    """One serial of a participant's card declared invalid (lost phone, misuse, error)."""

    member = models.ForeignKey(
        Member, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="card_revocations"
    )
    serial = models.PositiveIntegerField(_("card serial"))
    revoked_at = models.DateTimeField(_("revoked"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-revoked_at"]
        verbose_name = _("eCard revocation")
        verbose_name_plural = _("eCard revocations")
        constraints = [models.UniqueConstraint(fields=["member", "serial"], name="card_revocation_unique_serial")]

    def __str__(self):
        return f"{self.member.participant_number} #{self.serial}"

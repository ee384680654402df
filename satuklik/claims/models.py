"""Reimbursement and cashless claims.

For now only what the benefits page needs to compute "used" (issue 4): the claim,
its status, its dates and its items with the amounts claimed and approved. The eClaim
issue (5) extends these models with documents, status history, bank accounts and
adjudication.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from satuklik.core.models import TimeStampedModel
from satuklik.policies.models import BenefitItem, BenefitType, Member


class Claim(TimeStampedModel):
    class Status(models.TextChoices):
        # The full list of issue 5; the allowed moves between them come with the eClaim work.
        DRAFT = "DRAFT", _("Draft")
        SUBMITTED = "SUBMITTED", _("Submitted")
        IN_REVIEW = "IN_REVIEW", _("In review")
        DOCUMENTS_REQUESTED = "DOCS_REQ", _("Documents requested")
        APPROVED = "APPROVED", _("Approved")
        PARTLY_APPROVED = "PARTLY", _("Partly approved")
        REJECTED = "REJECTED", _("Rejected")
        APPEALED = "APPEALED", _("Appealed")
        PAID = "PAID", _("Paid")

    number = models.CharField(_("claim number"), max_length=32, unique=True)
    member = models.ForeignKey(Member, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="claims")
    benefit_type = models.CharField(_("benefit type"), max_length=12, choices=BenefitType.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The day care started: the visit for outpatient care, the admission for inpatient care.
    # Usage is counted in the policy year of this date.
    treatment_date = models.DateField(_("treatment date"))
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-treatment_date", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["member", "treatment_date"], name="claim_member_treatment_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharge_date__isnull=True)
                | models.Q(admission_date__isnull=True)
                | models.Q(discharge_date__gte=models.F("admission_date")),
                name="claim_discharge_after_admission",
            )
        ]

    def __str__(self):
        return self.number


# A claim's approved amounts count as "used" on the benefits page in these statuses. An
# appeal reopens a rejection or a partial approval: what was approved stands meanwhile.
USAGE_STATUSES = (
    Claim.Status.APPROVED,
    Claim.Status.PARTLY_APPROVED,
    Claim.Status.APPEALED,
    Claim.Status.PAID,
)


class ClaimItem(TimeStampedModel):
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="items")
    benefit_item = models.ForeignKey(
        BenefitItem, verbose_name=_("benefit item"), on_delete=models.PROTECT, related_name="claim_items"
    )
    amount_claimed = models.BigIntegerField(_("amount claimed (Rp)"))
    amount_approved = models.BigIntegerField(_("amount approved (Rp)"), null=True, blank=True)
    # Days for a per-day item (room and board), otherwise visits, pairs or units; a count
    # limit (glasses once every two years) counts this.
    quantity = models.PositiveIntegerField(_("days or quantity"), default=1)

    class Meta:
        ordering = ["claim", "id"]
        verbose_name = _("claim item")
        verbose_name_plural = _("claim items")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_claimed__gte=0), name="claim_item_claimed_not_negative"),
            models.CheckConstraint(
                condition=models.Q(amount_approved__isnull=True) | models.Q(amount_approved__gte=0),
                name="claim_item_approved_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.claim.number} {self.benefit_item.code}"

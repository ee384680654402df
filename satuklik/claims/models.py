"""Reimbursement claims: the claim, its items, documents, status history and reference tables.

Issue 4 created Claim and ClaimItem for the benefits page ("used" amounts); issue 5
(eClaim) adds the submission, documents, the status history, adjudication fields and
the reference tables (reason codes, document checklist, public holidays). Statuses
change only through satuklik.claims.workflow.claim_transition.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from satuklik.core.models import TimeStampedModel
from satuklik.policies.models import BenefitItem, BenefitType, Member


class ReasonCode(TimeStampedModel):
    """Why an amount was reduced or a claim refused: one list shared by items and claims."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    text_id = models.CharField(_("text (Indonesian)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    for_items = models.BooleanField(_("usable for items"), default=True)
    for_claims = models.BooleanField(_("usable for claims"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")

    def __str__(self):
        return f"{self.code} - {self.text}"

    @property
    def text(self):
        """The text in the active language (Indonesian unless English is active)."""
        return self.text_en if (get_language() or "id").startswith("en") and self.text_en else self.text_id

    def text_in(self, language: str) -> str:
        return self.text_en if language.startswith("en") and self.text_en else self.text_id


class DocumentRequirement(TimeStampedModel):
    """One line of the document checklist of a benefit type; the back office edits the list."""

    benefit_type = models.CharField(_("benefit type"), max_length=12, choices=BenefitType.choices)
    code = models.CharField(_("code"), max_length=32)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["benefit_type", "sort_order", "code"]
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        constraints = [
            models.UniqueConstraint(fields=["benefit_type", "code"], name="doc_requirement_unique_code_per_type")
        ]

    def __str__(self):
        return f"{self.get_benefit_type_display()}: {self.name}"

    @property
    def name(self):
        return self.name_en if (get_language() or "id").startswith("en") and self.name_en else self.name_id


class PublicHoliday(models.Model):
    """An Indonesian public holiday or collective leave day (cuti bersama): not a working day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


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

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_submitted",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("hospital or clinic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    # The provider's name as typed (or copied from the picked provider).
    provider_name = models.CharField(_("hospital or clinic name"), max_length=200, blank=True)
    diagnosis = models.CharField(_("diagnosis"), max_length=500, blank=True)
    bank_code = models.CharField(_("bank"), max_length=16, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=34, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    # Sums of the items, kept by the services (the lists show them without joining items).
    amount_claimed = models.BigIntegerField(_("amount claimed (Rp)"), default=0)
    amount_approved = models.BigIntegerField(_("amount approved (Rp)"), null=True, blank=True)
    amount_paid = models.BigIntegerField(_("amount paid (Rp)"), null=True, blank=True)
    # When the submission became complete: the 14-working-day clock starts here and
    # restarts when requested documents arrive.
    complete_at = models.DateTimeField(_("complete since"), null=True, blank=True)
    decision_due_date = models.DateField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_decided",
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(_("transfer reference"), max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("likely duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="likely_duplicates",
    )
    is_appeal = models.BooleanField(_("under appeal"), default=False)
    appeal_count = models.PositiveSmallIntegerField(_("appeals"), default=0)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_assigned",
    )
    rejection_reason_code = models.ForeignKey(
        ReasonCode,
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    # The member's appeal (claim_appeal): what they wrote and when.
    appeal_note = models.TextField(_("appeal note"), blank=True)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)

    class Meta:
        ordering = ["-treatment_date", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("review_claim", "Can review claims (work queue, propose, request documents)"),
            ("approve_claim", "Can approve, partly approve or reject claims"),
            ("pay_claim", "Can mark claims paid (one by one or from a bank file)"),
        ]
        indexes = [
            models.Index(fields=["member", "treatment_date"], name="claim_member_treatment_idx"),
            # The officers' queue: by status, oldest due first.
            models.Index(fields=["status", "decision_due_date"], name="claim_status_due_idx"),
            # The member's list: newest submissions first.
            models.Index(fields=["member", "-submitted_at"], name="claim_member_submitted_idx"),
        ]
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

    @property
    def bank_account_masked(self) -> str:
        return mask_account_number(self.bank_account_number)

    @property
    def is_overdue(self) -> bool:
        return (
            self.decision_due_date is not None
            and self.status in (self.Status.SUBMITTED, self.Status.IN_REVIEW, self.Status.APPEALED)
            and timezone.localdate() > self.decision_due_date
        )

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def inpatient(self) -> bool:
        return self.benefit_type == BenefitType.INPATIENT


def mask_account_number(number: str) -> str:
    """Only the last four digits show: 1234567890 -> ******7890 (never the full number in logs or pages)."""
    if not number:
        return ""
    return "*" * max(0, len(number) - 4) + number[-4:]


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
    # Adjudication (satuklik.claims.adjudication): the amount the rules propose and why
    # it is lower than claimed; officer_adjusted when the officer changed the proposal.
    amount_proposed = models.BigIntegerField(_("amount proposed (Rp)"), null=True, blank=True)
    reason_code = models.ForeignKey(
        ReasonCode, verbose_name=_("reason"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason_note = models.CharField(_("reason note"), max_length=500, blank=True)
    officer_adjusted = models.BooleanField(_("adjusted by the officer"), default=False)
    # The proposal's reductions in order, e.g. [{"code": "EXCESS_ROOM", "amount": 600000},
    # {"code": "COPAY", "amount": 30000}]; reason_code keeps the main one.
    reductions = models.JSONField(_("reductions"), default=list, blank=True)

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


class ClaimStatusChange(models.Model):
    """One row per status move (satuklik.claims.workflow.claim_transition): the claim's timeline."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("from"), max_length=10, choices=Claim.Status.choices)
    new_status = models.CharField(_("to"), max_length=10, choices=Claim.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "at", "id"]
        verbose_name = _("claim status change")
        verbose_name_plural = _("claim status changes")
        indexes = [models.Index(fields=["claim", "at"], name="claim_status_change_at_idx")]

    def __str__(self):
        return f"{self.claim_id}: {self.old_status} -> {self.new_status}"


class DocumentRequest(models.Model):
    """An officer asks the member for more documents; fulfilled when the member uploads them."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="document_requests"
    )
    message = models.TextField(_("message"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)

    class Meta:
        ordering = ["claim", "requested_at", "id"]
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")

    def __str__(self):
        return f"{self.claim_id}: {self.message[:40]}"


DOCUMENT_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def claim_document_stem():
    """A random name under claims/<yyyy>/<mm>/, without its extension (PendingUpload keeps it)."""
    now = timezone.now()
    return f"claims/{now:%Y}/{now:%m}/{secrets.token_urlsafe(24)}"


def claim_document_path(instance, filename):
    """A random name under claims/<yyyy>/<mm>/; the member's file name is kept only in original_name."""
    return claim_document_stem() + DOCUMENT_EXTENSIONS.get(getattr(instance, "content_type", ""), "")


class PendingUpload(models.Model):
    """A document file about to be written: committed before the file is, removed once the
    document row commits. What a killed worker leaves behind is found here and swept
    (services.uploads_sweep, `manage.py sweep_uploads`)."""

    stem = models.CharField(_("storage name without extension"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self):
        return self.stem


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        DocumentRequirement,
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=claim_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    document_request = models.ForeignKey(
        DocumentRequest,
        verbose_name=_("in answer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )

    class Meta:
        ordering = ["claim", "uploaded_at", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")

    def __str__(self):
        return self.original_name


class IdempotencyKey(models.Model):
    """Stripe-style idempotency for the member API: the first response to (user, key) is replayed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=255)
    # sha256 of the canonical request (method, path and body): another body with the same key -> 422.
    request_fingerprint = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class BankAccountUsed(models.Model):
    """A bank account the member had a claim paid to; the last used one is offered next time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_bank_accounts")
    bank_code = models.CharField(_("bank"), max_length=16)
    account_number = models.CharField(_("account number"), max_length=34)
    holder_name = models.CharField(_("account holder"), max_length=200)
    # When a submitted claim last named this account (None: confirmed but not used yet).
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # When the member proved, with a fresh one-time code, that they chose this account.
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-last_used_at"]
        verbose_name = _("bank account used")
        verbose_name_plural = _("bank accounts used")
        constraints = [
            models.UniqueConstraint(fields=["user", "bank_code", "account_number"], name="bank_account_unique_per_user")
        ]
        indexes = [models.Index(fields=["user", "-last_used_at"], name="bank_account_user_last_idx")]

    def __str__(self):
        return f"{self.bank_code} {mask_account_number(self.account_number)}"

    @property
    def masked(self) -> str:
        return mask_account_number(self.account_number)

"""The insurer's data as the core policy system hands it over.

Every number here (policy, participant, plan code, DPLK account) is the insurer's:
rows arrive through imports and are keyed on those numbers; the portal never invents
one. Money is integer rupiah (BigIntegerField), never float.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from satuklik.core.models import TimeStampedModel


class PolicyType(models.TextChoices):
    INDIVIDUAL = "INDIVIDUAL", _("Individual")
    GROUP = "GROUP", _("Group")
    DPLK = "DPLK", _("DPLK")


class BenefitType(models.TextChoices):
    INPATIENT = "INPATIENT", _("Inpatient")
    OUTPATIENT = "OUTPATIENT", _("Outpatient")
    DENTAL = "DENTAL", _("Dental")
    MATERNITY = "MATERNITY", _("Maternity")
    OPTICAL = "OPTICAL", _("Optical")


class LimitPeriod(models.TextChoices):
    PER_DAY = "DAY", _("per day")
    PER_VISIT = "VISIT", _("per visit")
    PER_CASE = "CASE", _("per case")
    PER_YEAR = "YEAR", _("per year")
    # A ceiling, not a claimable item: the most paid in a policy year for all the items of its
    # benefit type together (the plan's "Inpatient annual limit").
    CEILING = "CEILING", _("per policy year, all items of the type")


class PolicyHolder(TimeStampedModel):
    """The company that holds a group policy (the employer), e.g. PT ABCDE SEJATI."""

    code = models.CharField(_("holder code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("policyholder")
        verbose_name_plural = _("policyholders")

    def __str__(self):
        return self.name


class Policy(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Active")
        GRACE = "GRACE", _("Grace period")
        LAPSED = "LAPSED", _("Lapsed")
        TERMINATED = "TERMINATED", _("Terminated")

    number = models.CharField(_("policy number"), max_length=32, unique=True)
    policy_type = models.CharField(_("policy type"), max_length=12, choices=PolicyType.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # Group and employer DPLK programs have a company holder; an Individual policy's
    # holder is a person, named in holder_name.
    holder = models.ForeignKey(
        PolicyHolder,
        verbose_name=_("policyholder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
    )
    holder_name = models.CharField(_("policyholder name"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="policy_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.get_policy_type_display()})"

    @property
    def holder_display(self):
        return self.holder.name if self.holder_id else self.holder_name


class Plan(TimeStampedModel):
    """A benefit plan (e.g. 'Plan A - IP-500'); members of group policies are covered by one."""

    code = models.CharField(_("plan code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"{self.code} - {self.name}"


class BenefitItem(TimeStampedModel):
    """One line of a plan's schedule of benefits, e.g. room and board IP-500 per day.

    limit_amount is per limit_period; count_limit allows N uses per count_period_months
    (glasses: 1 per 24 months; dental visits: 4 per 12 months).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="benefit_items")
    benefit_type = models.CharField(_("benefit type"), max_length=12, choices=BenefitType.choices)
    code = models.CharField(_("item code"), max_length=32)
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    limit_amount = models.BigIntegerField(_("limit (Rp)"), null=True, blank=True, help_text=_("Empty: as charged"))
    limit_period = models.CharField(
        _("limit period"), max_length=8, choices=LimitPeriod.choices, default=LimitPeriod.PER_YEAR
    )
    annual_limit_amount = models.BigIntegerField(
        _("annual limit (Rp)"), null=True, blank=True, help_text=_("A yearly cap on top of a per-day/visit/case limit")
    )
    count_limit = models.PositiveIntegerField(_("count limit"), null=True, blank=True)
    count_period_months = models.PositiveIntegerField(_("count period (months)"), null=True, blank=True)
    copay_percent = models.PositiveSmallIntegerField(_("co-payment %"), default=0)
    deductible_amount = models.BigIntegerField(_("deductible (Rp)"), default=0)
    waiting_period_days = models.PositiveIntegerField(_("waiting period (days)"), default=0)
    cashless = models.BooleanField(_("cashless at partner providers"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "benefit_type", "sort_order", "code"]
        verbose_name = _("benefit item")
        verbose_name_plural = _("benefit items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="benefit_item_unique_code_per_plan"),
            models.CheckConstraint(condition=models.Q(copay_percent__lte=100), name="benefit_item_copay_max_100"),
            # The importer says so line by line; the database refuses it from any other path.
            models.CheckConstraint(
                condition=models.Q(count_period_months__isnull=True) | models.Q(count_limit__isnull=False),
                name="benefit_item_count_period_needs_limit",
            ),
        ]

    def __str__(self):
        return f"{self.plan.code}/{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the English one in English when the insurer gave one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def is_ceiling(self) -> bool:
        """A plan-wide annual limit of its benefit type, never claimed itself."""
        return self.limit_period == LimitPeriod.CEILING


class Member(TimeStampedModel):
    """A participant (peserta): the principal or a dependent, under one policy.

    The insured of an Individual policy and the participant of a DPLK program are
    members too, so that registration, linking and the eCard work the same way.
    """

    class Relation(models.TextChoices):
        PRINCIPAL = "PRINCIPAL", _("Principal")
        SPOUSE = "SPOUSE", _("Spouse")
        CHILD = "CHILD", _("Child")

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Active")
        INACTIVE = "INACTIVE", _("Inactive")

    # The unique (policy, participant_number) index serves lookups by policy.
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="members", db_index=False
    )
    participant_number = models.CharField(_("participant number"), max_length=32)
    # No index on the name: searches are "contains", which a b-tree can't serve, and
    # every index slows the bulk import of members.
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    email = models.EmailField(_("e-mail on file"), blank=True)
    mobile = models.CharField(_("mobile number on file"), max_length=20, blank=True)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, default=Relation.PRINCIPAL)
    principal = models.ForeignKey(
        "self", verbose_name=_("principal"), null=True, blank=True, on_delete=models.PROTECT, related_name="dependents"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    start_date = models.DateField(_("coverage start"))
    end_date = models.DateField(_("coverage end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["policy", "participant_number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["policy", "participant_number"], name="member_unique_number_per_policy"),
            models.CheckConstraint(
                condition=models.Q(relation="PRINCIPAL", principal__isnull=True)
                | (~models.Q(relation="PRINCIPAL") & models.Q(principal__isnull=False)),
                name="member_dependent_has_principal",
            ),
            # As the importer checks (its messages name the line): coverage cannot end before it
            # starts, and a dependent is never their own principal.
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="member_end_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(principal=models.F("pk")), name="member_not_own_principal"),
        ]
        indexes = [models.Index(fields=["participant_number"], name="member_participant_idx")]

    def __str__(self):
        return f"{self.participant_number} {self.full_name}"

    def is_covered_on(self, day):
        """The one rule, in satuklik.policies.cover (reads the policy too)."""
        from satuklik.policies.cover import cover_in_force

        return cover_in_force(self, day)


class IndividualPolicy(TimeStampedModel):
    """Details of an Individual life policy."""

    class Frequency(models.TextChoices):
        MONTHLY = "MONTHLY", _("Monthly")
        QUARTERLY = "QUARTERLY", _("Quarterly")
        SEMI_ANNUAL = "SEMIANNUAL", _("Semi-annual")
        ANNUAL = "ANNUAL", _("Annual")
        SINGLE = "SINGLE", _("Single premium")

    class PaymentStatus(models.TextChoices):
        PAID = "PAID", _("Paid")
        DUE = "DUE", _("Due")
        GRACE = "GRACE", _("In grace period")
        LAPSED = "LAPSED", _("Lapsed")

    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="individual")
    product_name = models.CharField(_("product"), max_length=200)
    sum_assured = models.BigIntegerField(_("sum assured (Rp)"))
    premium_amount = models.BigIntegerField(_("premium (Rp)"))
    premium_frequency = models.CharField(_("premium frequency"), max_length=12, choices=Frequency.choices)
    next_due_date = models.DateField(_("next due date"), null=True, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PAID
    )

    class Meta:
        verbose_name = _("individual policy details")
        verbose_name_plural = _("individual policy details")

    def __str__(self):
        return f"{self.policy.number} {self.product_name}"


class Beneficiary(TimeStampedModel):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="beneficiaries")
    full_name = models.CharField(_("full name"), max_length=200)
    relation = models.CharField(_("relation to the insured"), max_length=60)
    share_percent = models.PositiveSmallIntegerField(_("share %"))

    class Meta:
        ordering = ["policy", "-share_percent", "full_name"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(fields=["policy", "full_name"], name="beneficiary_unique_name_per_policy"),
            models.CheckConstraint(condition=models.Q(share_percent__lte=100), name="beneficiary_share_max_100"),
            models.CheckConstraint(condition=models.Q(share_percent__gte=1), name="beneficiary_share_min_1"),
        ]

    def __str__(self):
        return self.full_name


class DplkAccount(TimeStampedModel):
    """A DPLK participant's pension account; the member is its DPLK membership."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="dplk_account")
    employer = models.ForeignKey(
        PolicyHolder,
        verbose_name=_("employer program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dplk_accounts",
    )
    normal_retirement_age = models.PositiveSmallIntegerField(_("normal retirement age"), default=56)
    balance_as_of = models.DateField(_("balance as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("DPLK account")
        verbose_name_plural = _("DPLK accounts")

    def __str__(self):
        return f"DPLK {self.member.participant_number}"


class DplkFundBalance(TimeStampedModel):
    account = models.ForeignKey(DplkAccount, on_delete=models.CASCADE, related_name="fund_balances")
    fund_code = models.CharField(_("fund code"), max_length=32)
    fund_name = models.CharField(_("fund"), max_length=120)
    balance = models.BigIntegerField(_("balance (Rp)"))

    class Meta:
        ordering = ["account", "fund_code"]
        verbose_name = _("DPLK fund balance")
        verbose_name_plural = _("DPLK fund balances")
        constraints = [models.UniqueConstraint(fields=["account", "fund_code"], name="dplk_fund_unique_per_account")]

    def __str__(self):
        return f"{self.fund_name}: {self.balance}"


class DplkContribution(TimeStampedModel):
    account = models.ForeignKey(DplkAccount, on_delete=models.CASCADE, related_name="contributions")
    reference = models.CharField(_("reference"), max_length=40)
    paid_on = models.DateField(_("date"))
    employer_amount = models.BigIntegerField(_("employer part (Rp)"), default=0)
    employee_amount = models.BigIntegerField(_("employee part (Rp)"), default=0)

    class Meta:
        ordering = ["account", "-paid_on"]
        verbose_name = _("DPLK contribution")
        verbose_name_plural = _("DPLK contributions")
        constraints = [
            models.UniqueConstraint(fields=["account", "reference"], name="dplk_contribution_unique_reference"),
            models.CheckConstraint(
                condition=~models.Q(employer_amount=0, employee_amount=0), name="dplk_contribution_has_an_amount"
            ),
        ]
        indexes = [models.Index(fields=["account", "paid_on"], name="dplk_contrib_account_date_idx")]

    def __str__(self):
        return f"{self.reference} {self.paid_on}"

    @property
    def total_amount(self):
        return self.employer_amount + self.employee_amount


# The import history lives with the import code; importing it here makes it part of the app.
from satuklik.policies.importing.models import ImportRun  # noqa: E402, F401

"""Factories for every model of the policies app; other apps' tests use them too.

Numbers come from sequences in ranges the demo personas never use (policies 7xxxxxxx,
participants 6xxxxxxx, plans FP-xxxx), so a test may seed the demo and use factories.

    member = MemberFactory()                         # a principal in a group policy, on a plan
    spouse = MemberFactory(spouse_of=member)         # a dependent of that principal
    child = MemberFactory(child_of=member)
    plan = PlanFactory(with_schedule=True)           # a plan with one item of each benefit type
    individual = IndividualPolicyFactory()           # Policy(type=INDIVIDUAL) + details + insured
    account = DplkAccountFactory(with_history=True)  # DPLK member, fund balances, 12 contributions
"""

import datetime

import factory

from satuklik.policies.models import (
    Beneficiary,
    BenefitItem,
    BenefitType,
    DplkAccount,
    DplkContribution,
    DplkFundBalance,
    IndividualPolicy,
    LimitPeriod,
    Member,
    Plan,
    Policy,
    PolicyHolder,
    PolicyType,
)

GIVEN_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Made", "Putu", "Rina", "Andi", "Yohanes", "Nur"]
FAMILY_NAMES = ["Santoso", "Wijaya", "Nasution", "Siregar", "Pratama", "Hasibuan", "Saragih", "Kurniawan"]


class PolicyHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyHolder
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"FH{n:05d}")
    name = factory.Sequence(lambda n: f"PT Contoh Usaha {n} Tbk")
    address = "Jl. Jenderal Sudirman Kav. 1"
    city = "Jakarta Selatan"
    phone = "021-5550100"
    email = factory.Sequence(lambda n: f"hr{n}@contoh-usaha.example")


class PolicyFactory(factory.django.DjangoModelFactory):
    """A group policy by default; `PolicyFactory(individual=True)` or `(dplk=True)` for the others."""

    class Meta:
        model = Policy
        django_get_or_create = ["number"]

    class Params:
        individual = factory.Trait(policy_type=PolicyType.INDIVIDUAL, holder=None, holder_name="Budi Santoso")
        dplk = factory.Trait(policy_type=PolicyType.DPLK)

    number = factory.Sequence(lambda n: f"7{n:07d}")
    policy_type = PolicyType.GROUP
    status = Policy.Status.ACTIVE
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2025, 12, 31)
    holder = factory.SubFactory(PolicyHolderFactory)
    holder_name = ""


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan; `with_schedule=True` adds one benefit item of each of the five benefit types."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"FP-{n:04d}")
    name = "Plan A - IP-500"
    policy = factory.SubFactory(PolicyFactory)

    @factory.post_generation
    def with_schedule(plan, create, extracted, **kwargs):
        if not (create and extracted):
            return
        for benefit_type in BenefitType.values:
            BenefitItemFactory(plan=plan, **SCHEDULE_DEFAULTS[benefit_type])


SCHEDULE_DEFAULTS = {
    BenefitType.INPATIENT: {
        "benefit_type": BenefitType.INPATIENT,
        "code": "IP-RB",
        "name": "Kamar dan makan per hari",
        "name_en": "Room and board per day",
        "limit_amount": 500_000,
        "limit_period": LimitPeriod.PER_DAY,
        "annual_limit_amount": 36_500_000,
    },
    BenefitType.OUTPATIENT: {
        "benefit_type": BenefitType.OUTPATIENT,
        "code": "OP-GP",
        "name": "Konsultasi dokter umum",
        "name_en": "General practitioner consultation",
        "limit_amount": 150_000,
        "limit_period": LimitPeriod.PER_VISIT,
        "copay_percent": 20,
    },
    BenefitType.DENTAL: {
        "benefit_type": BenefitType.DENTAL,
        "code": "DT-SC",
        "name": "Pembersihan karang gigi",
        "name_en": "Scaling",
        "limit_amount": 400_000,
        "limit_period": LimitPeriod.PER_VISIT,
        "count_limit": 4,
        "count_period_months": 12,
    },
    BenefitType.MATERNITY: {
        "benefit_type": BenefitType.MATERNITY,
        "code": "MT-NORMAL",
        "name": "Persalinan normal",
        "name_en": "Normal delivery",
        "limit_amount": 8_000_000,
        "limit_period": LimitPeriod.PER_CASE,
        "waiting_period_days": 365,
    },
    BenefitType.OPTICAL: {
        "benefit_type": BenefitType.OPTICAL,
        "code": "OPT-FL",
        "name": "Bingkai dan lensa",
        "name_en": "Frames and lenses",
        "limit_amount": 1_000_000,
        "limit_period": LimitPeriod.PER_CASE,
        "count_limit": 1,
        "count_period_months": 24,
        "cashless": False,
    },
}


class BenefitItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitItem

    plan = factory.SubFactory(PlanFactory)
    benefit_type = BenefitType.INPATIENT
    code = factory.Sequence(lambda n: f"ITEM-{n:04d}")
    name = "Kamar dan makan per hari"
    name_en = "Room and board per day"
    limit_amount = 500_000
    limit_period = LimitPeriod.PER_DAY
    annual_limit_amount = None
    count_limit = None
    count_period_months = None
    copay_percent = 0
    deductible_amount = 0
    waiting_period_days = 0
    cashless = True
    sort_order = 0


class MemberFactory(factory.django.DjangoModelFactory):
    """A principal of a group policy on a plan of that policy.

    `MemberFactory(spouse_of=principal)` / `(child_of=principal)` make a dependent on the
    principal's policy and plan.
    """

    class Meta:
        model = Member
        django_get_or_create = ["policy", "participant_number"]

    class Params:
        spouse_of = None
        child_of = None

    policy = factory.LazyAttribute(
        lambda o: (o.spouse_of or o.child_of).policy if (o.spouse_of or o.child_of) else PolicyFactory()
    )
    participant_number = factory.Sequence(lambda n: f"6{n:07d}")
    full_name = factory.Sequence(
        lambda n: f"{GIVEN_NAMES[n % len(GIVEN_NAMES)]} {FAMILY_NAMES[n % len(FAMILY_NAMES)]}".upper()
    )
    date_of_birth = factory.LazyAttribute(
        lambda o: datetime.date(2015, 6, 1) if o.child_of else datetime.date(1988, 3, 14)
    )
    gender = factory.Sequence(lambda n: Member.Gender.FEMALE if n % 2 else Member.Gender.MALE)
    email = factory.LazyAttribute(lambda o: f"peserta{o.participant_number}@example.com")
    mobile = factory.LazyAttribute(lambda o: f"+62812{o.participant_number}")
    relation = factory.LazyAttribute(
        lambda o: (
            Member.Relation.SPOUSE
            if o.spouse_of
            else (Member.Relation.CHILD if o.child_of else Member.Relation.PRINCIPAL)
        )
    )
    principal = factory.LazyAttribute(lambda o: o.spouse_of or o.child_of)
    plan = factory.LazyAttribute(
        lambda o: (
            (o.spouse_of or o.child_of).plan
            if (o.spouse_of or o.child_of)
            else (PlanFactory(policy=o.policy) if o.policy.policy_type == PolicyType.GROUP else None)
        )
    )
    employee_number = factory.LazyAttribute(lambda o: "" if o.principal else f"EMP{o.participant_number[-5:]}")
    start_date = datetime.date(2025, 1, 1)
    end_date = None
    status = Member.Status.ACTIVE


class IndividualPolicyFactory(factory.django.DjangoModelFactory):
    """Details of an Individual life policy; `.policy` is created with its insured member."""

    class Meta:
        model = IndividualPolicy
        skip_postgeneration_save = True
        django_get_or_create = ["policy"]

    policy = factory.SubFactory(PolicyFactory, individual=True, end_date=None)
    product_name = "Proteksi Jiwa Sejahtera"
    sum_assured = 500_000_000
    premium_amount = 750_000
    premium_frequency = IndividualPolicy.Frequency.MONTHLY
    next_due_date = datetime.date(2025, 2, 1)
    payment_status = IndividualPolicy.PaymentStatus.PAID

    @factory.post_generation
    def insured(details, create, extracted, **kwargs):
        """The insured person as a member of the policy (pass insured=False to skip)."""
        if not create or extracted is False:
            return
        if not details.policy.members.exists():
            fields = {"policy": details.policy, "plan": None, "full_name": details.policy.holder_name.upper()}
            MemberFactory(**{**fields, **kwargs})


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    policy = factory.SubFactory(PolicyFactory, individual=True)
    full_name = factory.Sequence(lambda n: f"AHLI WARIS {n}")
    relation = "Anak"
    share_percent = 100


class DplkAccountFactory(factory.django.DjangoModelFactory):
    """A DPLK account; `with_history=True` adds two fund balances and 12 monthly contributions."""

    class Meta:
        model = DplkAccount
        skip_postgeneration_save = True
        django_get_or_create = ["member"]

    member = factory.SubFactory(MemberFactory, policy=factory.SubFactory(PolicyFactory, dplk=True), plan=None)
    employer = None
    normal_retirement_age = 56
    balance_as_of = datetime.date(2025, 6, 30)

    @factory.post_generation
    def with_history(account, create, extracted, **kwargs):
        if not (create and extracted):
            return
        DplkFundBalanceFactory(account=account, fund_code="MM", fund_name="Dana Pasar Uang", balance=12_500_000)
        DplkFundBalanceFactory(account=account, fund_code="FI", fund_name="Dana Pendapatan Tetap", balance=30_250_000)
        for month in range(1, 13):
            DplkContributionFactory(
                account=account,
                reference=f"C2024{month:02d}",
                paid_on=datetime.date(2024, month, 25),
                employer_amount=300_000,
                employee_amount=200_000,
            )


class DplkFundBalanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DplkFundBalance

    account = factory.SubFactory(DplkAccountFactory)
    fund_code = factory.Sequence(lambda n: f"F{n:03d}")
    fund_name = "Dana Saham"
    balance = 10_000_000


class DplkContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DplkContribution

    account = factory.SubFactory(DplkAccountFactory)
    reference = factory.Sequence(lambda n: f"CTR{n:06d}")
    paid_on = datetime.date(2025, 1, 25)
    employer_amount = 300_000
    employee_amount = 200_000

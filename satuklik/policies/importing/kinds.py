"""The core system's file kinds: columns, accepted values and the rules of each.

One class per kind, in the order the files are imported (a file may refer only to
what an earlier one brought in). README.md ("Importing the insurer's data") describes the same formats.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuklik.core.importing import (
    INTEGER_MAX,
    Column,
    Counts,
    FileImport,
    boolean,
    choice,
    date,
    email,
    integer,
    money,
    percent,
    text,
)
from satuklik.core.queries import sql_in_chunks
from satuklik.policies.importing import upsert
from satuklik.policies.models import (
    BenefitType,
    DplkAccount,
    IndividualPolicy,
    LimitPeriod,
    Member,
    Plan,
    Policy,
    PolicyHolder,
    PolicyType,
)

# --- Accepted words: the codes themselves, English, and the Indonesian the insurer uses --

POLICY_TYPES = {
    "Individu": PolicyType.INDIVIDUAL,
    "Individual": PolicyType.INDIVIDUAL,
    "Perorangan": PolicyType.INDIVIDUAL,
    "Group": PolicyType.GROUP,
    "Grup": PolicyType.GROUP,
    "Kumpulan": PolicyType.GROUP,
    "Kelompok": PolicyType.GROUP,
    "DPLK": PolicyType.DPLK,
}
POLICY_STATUSES = {
    "Active": Policy.Status.ACTIVE,
    "Aktif": Policy.Status.ACTIVE,
    "In force": Policy.Status.ACTIVE,
    "Grace": Policy.Status.GRACE,
    "Grace period": Policy.Status.GRACE,
    "Masa tenggang": Policy.Status.GRACE,
    "Lapsed": Policy.Status.LAPSED,
    "Lapse": Policy.Status.LAPSED,
    "Terminated": Policy.Status.TERMINATED,
    "Berakhir": Policy.Status.TERMINATED,
    "Diakhiri": Policy.Status.TERMINATED,
}
GENDERS = {
    "F": Member.Gender.FEMALE,
    "Female": Member.Gender.FEMALE,
    "Wanita": Member.Gender.FEMALE,
    "Perempuan": Member.Gender.FEMALE,
    "W": Member.Gender.FEMALE,
    "M": Member.Gender.MALE,
    "Male": Member.Gender.MALE,
    "Pria": Member.Gender.MALE,
    "Laki-laki": Member.Gender.MALE,
    "L": Member.Gender.MALE,
    # Not "P": Pria (male) and Perempuan (female) share it.
}
RELATIONS = {
    "Principal": Member.Relation.PRINCIPAL,
    "Employee": Member.Relation.PRINCIPAL,
    "Self": Member.Relation.PRINCIPAL,
    "Karyawan": Member.Relation.PRINCIPAL,
    "Pegawai": Member.Relation.PRINCIPAL,
    "Peserta utama": Member.Relation.PRINCIPAL,
    "Tertanggung utama": Member.Relation.PRINCIPAL,
    "Spouse": Member.Relation.SPOUSE,
    "Husband": Member.Relation.SPOUSE,
    "Wife": Member.Relation.SPOUSE,
    "Pasangan": Member.Relation.SPOUSE,
    "Suami": Member.Relation.SPOUSE,
    "Istri": Member.Relation.SPOUSE,
    "Isteri": Member.Relation.SPOUSE,
    "Child": Member.Relation.CHILD,
    "Son": Member.Relation.CHILD,
    "Daughter": Member.Relation.CHILD,
    "Anak": Member.Relation.CHILD,
}
MEMBER_STATUSES = {
    "Active": Member.Status.ACTIVE,
    "Aktif": Member.Status.ACTIVE,
    "Inactive": Member.Status.INACTIVE,
    "Tidak aktif": Member.Status.INACTIVE,
    "Nonaktif": Member.Status.INACTIVE,
    "Non aktif": Member.Status.INACTIVE,
}
BENEFIT_TYPES = {
    "Inpatient": BenefitType.INPATIENT,
    "Rawat inap": BenefitType.INPATIENT,
    "IP": BenefitType.INPATIENT,
    "Outpatient": BenefitType.OUTPATIENT,
    "Rawat jalan": BenefitType.OUTPATIENT,
    "OP": BenefitType.OUTPATIENT,
    "Dental": BenefitType.DENTAL,
    "Gigi": BenefitType.DENTAL,
    "Maternity": BenefitType.MATERNITY,
    "Melahirkan": BenefitType.MATERNITY,
    "Persalinan": BenefitType.MATERNITY,
    "Optical": BenefitType.OPTICAL,
    "Kacamata": BenefitType.OPTICAL,
    "Kaca mata": BenefitType.OPTICAL,
    "Optik": BenefitType.OPTICAL,
}
LIMIT_PERIODS = {
    "Per day": LimitPeriod.PER_DAY,
    "Daily": LimitPeriod.PER_DAY,
    "Hari": LimitPeriod.PER_DAY,
    "Per hari": LimitPeriod.PER_DAY,
    "Per visit": LimitPeriod.PER_VISIT,
    "Kunjungan": LimitPeriod.PER_VISIT,
    "Per kunjungan": LimitPeriod.PER_VISIT,
    "Per case": LimitPeriod.PER_CASE,
    "Kasus": LimitPeriod.PER_CASE,
    "Per kasus": LimitPeriod.PER_CASE,
    "Per year": LimitPeriod.PER_YEAR,
    "Annual": LimitPeriod.PER_YEAR,
    "Yearly": LimitPeriod.PER_YEAR,
    "Tahun": LimitPeriod.PER_YEAR,
    "Per tahun": LimitPeriod.PER_YEAR,
    "Tahunan": LimitPeriod.PER_YEAR,
    "Ceiling": LimitPeriod.CEILING,
    "Annual limit": LimitPeriod.CEILING,
    "Batas maksimum": LimitPeriod.CEILING,
}
FREQUENCIES = {
    "Monthly": IndividualPolicy.Frequency.MONTHLY,
    "Bulanan": IndividualPolicy.Frequency.MONTHLY,
    "Quarterly": IndividualPolicy.Frequency.QUARTERLY,
    "Triwulanan": IndividualPolicy.Frequency.QUARTERLY,
    "Kuartalan": IndividualPolicy.Frequency.QUARTERLY,
    "Semi-annual": IndividualPolicy.Frequency.SEMI_ANNUAL,
    "Semesteran": IndividualPolicy.Frequency.SEMI_ANNUAL,
    "Enam bulanan": IndividualPolicy.Frequency.SEMI_ANNUAL,
    "Annual": IndividualPolicy.Frequency.ANNUAL,
    "Yearly": IndividualPolicy.Frequency.ANNUAL,
    "Tahunan": IndividualPolicy.Frequency.ANNUAL,
    "Single": IndividualPolicy.Frequency.SINGLE,
    "Single premium": IndividualPolicy.Frequency.SINGLE,
    "Sekaligus": IndividualPolicy.Frequency.SINGLE,
    "Tunggal": IndividualPolicy.Frequency.SINGLE,
}
PAYMENT_STATUSES = {
    "Paid": IndividualPolicy.PaymentStatus.PAID,
    "Lunas": IndividualPolicy.PaymentStatus.PAID,
    "Dibayar": IndividualPolicy.PaymentStatus.PAID,
    "Due": IndividualPolicy.PaymentStatus.DUE,
    "Jatuh tempo": IndividualPolicy.PaymentStatus.DUE,
    "Grace": IndividualPolicy.PaymentStatus.GRACE,
    "Masa tenggang": IndividualPolicy.PaymentStatus.GRACE,
    "Lapsed": IndividualPolicy.PaymentStatus.LAPSED,
    "Lapse": IndividualPolicy.PaymentStatus.LAPSED,
}


def _number(max_length=32):
    return text(max_length)


# --- Pre-loading references: one query per table, only for the keys the file uses --------


def policies_by_number(numbers) -> dict[str, str]:
    """{policy number: policy type} for the given numbers that exist."""
    found = {}
    for chunk in sql_in_chunks(set(numbers)):
        found.update(Policy.objects.filter(number__in=chunk).values_list("number", "policy_type"))
    return found


def holder_codes(codes) -> set[str]:
    found = set()
    for chunk in sql_in_chunks(set(codes) - {""}):
        found.update(PolicyHolder.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def members_by_key(pairs, queryset=Member.objects) -> dict[tuple[str, str], tuple]:
    """{(policy number, participant number): (relation, policy type)} for pairs that exist."""
    pairs = set(pairs)
    found = {}
    numbers = {participant for _policy, participant in pairs}
    policies = {policy for policy, _participant in pairs}
    for chunk in sql_in_chunks(numbers):
        rows = queryset.filter(participant_number__in=chunk, policy__number__in=policies).values_list(
            "policy__number", "participant_number", "relation", "policy__policy_type"
        )
        for policy, participant, relation, policy_type in rows:
            if (policy, participant) in pairs:
                found[policy, participant] = (relation, policy_type)
    return found


def dplk_accounts(pairs) -> set[tuple[str, str]]:
    """The (policy number, participant number) pairs that have a DPLK account."""
    pairs = set(pairs)
    found = set()
    numbers = {participant for _policy, participant in pairs}
    policies = {policy for policy, _participant in pairs}
    for chunk in sql_in_chunks(numbers):
        rows = DplkAccount.objects.filter(
            member__participant_number__in=chunk, member__policy__number__in=policies
        ).values_list("member__policy__number", "member__participant_number")
        found.update(pair for pair in rows if pair in pairs)
    return found


# --- Checks several kinds share ----------------------------------------------------------


def _policy_type(kind, line, number):
    """The type of policy `number` (from kind.policies); None, and the line reported, if it was not imported."""
    policy_type = kind.policies.get(number)
    if policy_type is None:
        kind.error(line, "policy_number", _("policy %(number)s does not exist (import it first)") % {"number": number})
    return policy_type


def _check_holder(kind, line, column, code):
    """An optional policyholder code must name one imported before (kind.holders)."""
    if code and code not in kind.holders:
        kind.error(line, column, _("policyholder %(code)s does not exist (import it first)") % {"code": code})


# --- The kinds -------------------------------------------------------------------------


class PolicyholderImport(FileImport):
    kind = "policyholders"
    label = gettext_lazy("Policyholders (employers)")
    columns = [
        Column("holder_code", _number(), required=True),
        Column("name", text(200), required=True),
        Column("address", text(300)),
        Column("city", text(100)),
        Column("phone", text(40)),
        Column("email", email()),
    ]
    key = ("holder_code",)

    def write(self, rows):
        return self.upsert_into(upsert.POLICYHOLDERS, rows, {"code": "holder_code"})


class PolicyImport(FileImport):
    kind = "policies"
    label = gettext_lazy("Policies")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("policy_type", choice(POLICY_TYPES), required=True),
        Column("status", choice(POLICY_STATUSES), default=Policy.Status.ACTIVE),
        Column("start_date", date(), required=True),
        Column("end_date", date()),
        Column("holder_code", _number(), default=None),
        Column("holder_name", text(200)),
    ]
    key = ("policy_number",)

    def prepare(self, rows):
        self.holders = holder_codes(row["holder_code"] for row in rows if row["holder_code"])

    def check(self, row, line):
        if row["end_date"] and row["end_date"] < row["start_date"]:
            self.error(line, "end_date", _("is before the start date"))
        code = row["holder_code"]
        _check_holder(self, line, "holder_code", code)
        if row["policy_type"] == PolicyType.GROUP and not code:
            self.error(line, "holder_code", _("a group policy needs the employer's holder code"))
        if not code and not row["holder_name"]:
            self.error(line, "holder_name", _("give the holder code or the holder's name"))

    def write(self, rows):
        return self.upsert_into(upsert.POLICIES, rows, {"number": "policy_number"})


class PlanImport(FileImport):
    """Plans and their benefit items: one row per item, the plan repeated on each row."""

    kind = "plans"
    label = gettext_lazy("Plans and benefit items")
    columns = [
        Column("plan_code", _number(), required=True),
        Column("plan_name", text(200), required=True),
        Column("policy_number", _number(), default=None),
        Column("benefit_type", choice(BENEFIT_TYPES), required=True),
        Column("item_code", _number(), required=True),
        Column("item_name", text(200), required=True),
        Column("item_name_en", text(200)),
        Column("limit_amount", money()),
        Column("limit_period", choice(LIMIT_PERIODS), default=LimitPeriod.PER_YEAR),
        Column("annual_limit_amount", money()),
        Column("count_limit", integer(1, INTEGER_MAX)),
        Column("count_period_months", integer(1, 120)),
        Column("copay_percent", percent(), default=0),
        Column("deductible_amount", money(), default=0),
        Column("waiting_period_days", integer(0, 3650), default=0),
        Column("cashless", boolean(), default=True),
        Column("sort_order", integer(0, 32767)),
    ]
    key = ("plan_code", "item_code")

    def prepare(self, rows):
        self.policies = policies_by_number(row["policy_number"] for row in rows if row["policy_number"])
        self.plans = {}  # plan code -> (name, policy number, first line)
        self.positions = {}  # plan code -> items so far, for the default sort order

    def check(self, row, line):
        code = row["plan_code"]
        plan = (row["plan_name"], row["policy_number"], line)
        first = self.plans.setdefault(code, plan)
        if first[:2] != plan[:2]:
            self.error(
                line,
                "plan_name" if first[0] != plan[0] else "policy_number",
                _("plan %(code)s differs from line %(line)s (the plan's name and policy must repeat on every row)")
                % {"code": code, "line": first[2]},
            )
        if row["policy_number"]:
            _policy_type(self, line, row["policy_number"])
        if row["count_period_months"] and not row["count_limit"]:
            self.error(line, "count_limit", _("is required when count_period_months is given"))
        position = self.positions[code] = self.positions.get(code, 0) + 1
        if row["sort_order"] is None:
            row["sort_order"] = position

    def write(self, rows):
        plans = list({row["plan_code"]: row for row in rows}.values())
        counts = self.upsert_into(upsert.PLANS, plans, {"code": "plan_code", "name": "plan_name"})
        names = {"code": "item_code", "name": "item_name", "name_en": "item_name_en"}
        return counts + self.upsert_into(upsert.BENEFIT_ITEMS, rows, names)


class MemberImport(FileImport):
    kind = "members"
    label = gettext_lazy("Members (participants and dependents)")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("participant_number", _number(), required=True),
        Column("full_name", text(200), required=True),
        Column("date_of_birth", date(), required=True),
        Column("gender", choice(GENDERS), required=True),
        Column("relation", choice(RELATIONS), default=Member.Relation.PRINCIPAL),
        Column("principal_number", _number(), default=None),
        Column("plan_code", _number(), default=None),
        Column("employee_number", _number()),
        Column("email", email()),
        Column("mobile", text(20)),
        Column("start_date", date(), required=True),
        Column("end_date", date()),
        Column("status", choice(MEMBER_STATUSES), default=Member.Status.ACTIVE),
    ]
    key = ("policy_number", "participant_number")

    def prepare(self, rows):
        self.policies = policies_by_number(row["policy_number"] for row in rows)
        plan_codes = {row["plan_code"] for row in rows if row["plan_code"]}
        self.plans = {}
        for chunk in sql_in_chunks(plan_codes):
            self.plans.update(Plan.objects.filter(code__in=chunk).values_list("code", "policy__number"))
        self.in_file = {(row["policy_number"], row["participant_number"]): row["relation"] for row in rows}
        # A row with a bad cell is reported already; its dependents are not reported again.
        for _line, row in self.rejected:
            key = (row.get("policy_number"), row.get("participant_number"))
            self.in_file.setdefault(key, row.get("relation") or Member.Relation.PRINCIPAL)
        # Principals named by dependents but not in this file must already be members.
        wanted = {
            (row["policy_number"], row["principal_number"])
            for row in rows
            if row["principal_number"] and (row["policy_number"], row["principal_number"]) not in self.in_file
        }
        self.existing = {key: relation for key, (relation, _type) in members_by_key(wanted).items()} if wanted else {}
        self.today = datetime.date.today()

    def check(self, row, line):
        policy = row["policy_number"]
        _policy_type(self, line, policy)
        code = row["plan_code"]
        if code:
            if code not in self.plans:
                self.error(line, "plan_code", _("plan %(code)s does not exist (import it first)") % {"code": code})
            elif self.plans[code] and self.plans[code] != policy:
                self.error(
                    line,
                    "plan_code",
                    _("plan %(code)s belongs to policy %(other)s") % {"code": code, "other": self.plans[code]},
                )
        if row["date_of_birth"] > self.today:
            self.error(line, "date_of_birth", _("is in the future"))
        if row["end_date"] and row["end_date"] < row["start_date"]:
            self.error(line, "end_date", _("is before the start date"))
        principal = row["principal_number"]
        if row["relation"] == Member.Relation.PRINCIPAL:
            if principal:
                self.error(line, "principal_number", _("must be empty for a principal"))
            return
        if not principal:
            self.error(line, "principal_number", _("is required for a dependent (spouse or child)"))
            return
        if principal == row["participant_number"]:
            self.error(line, "principal_number", _("a dependent cannot be their own principal"))
            return
        relation = self.in_file.get((policy, principal)) or self.existing.get((policy, principal))
        if relation is None:
            self.error(
                line,
                "principal_number",
                _("principal %(number)s is not a member of policy %(policy)s")
                % {"number": principal, "policy": policy},
            )
        elif relation != Member.Relation.PRINCIPAL:
            self.error(
                line, "principal_number", _("%(number)s is a dependent, not a principal") % {"number": principal}
            )

    def write(self, rows):
        # Principals first: the dependents' principal is looked up by number in SQL.
        principals = [row for row in rows if row["relation"] == Member.Relation.PRINCIPAL]
        dependents = [row for row in rows if row["relation"] != Member.Relation.PRINCIPAL]
        counts = self.upsert_into(upsert.MEMBERS, principals) + self.upsert_into(upsert.MEMBERS, dependents)
        self.report.tables[str(Member._meta.verbose_name)] = counts  # both passes together
        return counts


class IndividualPolicyImport(FileImport):
    kind = "individual"
    label = gettext_lazy("Individual policy details")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("product_name", text(200), required=True),
        Column("sum_assured", money(), required=True),
        Column("premium_amount", money(), required=True),
        Column("premium_frequency", choice(FREQUENCIES), required=True),
        Column("next_due_date", date()),
        Column("payment_status", choice(PAYMENT_STATUSES), default=IndividualPolicy.PaymentStatus.PAID),
    ]
    key = ("policy_number",)

    def prepare(self, rows):
        self.policies = policies_by_number(row["policy_number"] for row in rows)

    def check(self, row, line):
        number = row["policy_number"]
        policy_type = _policy_type(self, line, number)
        if policy_type is not None and policy_type != PolicyType.INDIVIDUAL:
            self.error(line, "policy_number", _("policy %(number)s is not an Individual policy") % {"number": number})

    def write(self, rows):
        return self.upsert_into(upsert.INDIVIDUAL_POLICIES, rows)


class BeneficiaryImport(FileImport):
    kind = "beneficiaries"
    label = gettext_lazy("Beneficiaries")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("full_name", text(200), required=True),
        Column("relation", text(60), required=True),
        Column("share_percent", percent(), required=True),
    ]
    key = ("policy_number", "full_name")

    def prepare(self, rows):
        self.policies = policies_by_number(row["policy_number"] for row in rows)
        self.shares = {}

    def check(self, row, line):
        number = row["policy_number"]
        if _policy_type(self, line, number) == PolicyType.GROUP:
            self.error(line, "policy_number", _("policy %(number)s is a group policy") % {"number": number})
        if row["share_percent"] == 0:
            self.error(line, "share_percent", _("must be at least 1"))
        total = self.shares[number] = self.shares.get(number, 0) + row["share_percent"]
        if total > 100:
            self.error(
                line,
                "share_percent",
                _("the shares of policy %(number)s add up to more than 100%%") % {"number": number},
            )

    def write(self, rows):
        return self.upsert_into(upsert.BENEFICIARIES, rows)


class DplkAccountImport(FileImport):
    kind = "dplk_accounts"
    label = gettext_lazy("DPLK accounts")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("participant_number", _number(), required=True),
        Column("employer_code", _number(), default=None),
        Column("normal_retirement_age", integer(40, 75), default=56),
        Column("balance_as_of", date()),
    ]
    key = ("policy_number", "participant_number")

    def prepare(self, rows):
        self.members = members_by_key((row["policy_number"], row["participant_number"]) for row in rows)
        self.holders = holder_codes(row["employer_code"] for row in rows if row["employer_code"])

    def check(self, row, line):
        found = self.members.get((row["policy_number"], row["participant_number"]))
        if found is None:
            self.error(
                line,
                "participant_number",
                _("participant %(number)s is not a member of policy %(policy)s (import the members first)")
                % {"number": row["participant_number"], "policy": row["policy_number"]},
            )
        elif found[1] != PolicyType.DPLK:
            self.error(
                line, "policy_number", _("policy %(number)s is not a DPLK policy") % {"number": row["policy_number"]}
            )
        _check_holder(self, line, "employer_code", row["employer_code"])

    def write(self, rows):
        return self.upsert_into(upsert.DPLK_ACCOUNTS, rows)


class DplkBalanceImport(FileImport):
    kind = "dplk_balances"
    label = gettext_lazy("DPLK fund balances")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("participant_number", _number(), required=True),
        Column("fund_code", _number(), required=True),
        Column("fund_name", text(120), required=True),
        Column("balance", money(), required=True),
    ]
    key = ("policy_number", "participant_number", "fund_code")

    def prepare(self, rows):
        self.accounts = dplk_accounts((row["policy_number"], row["participant_number"]) for row in rows)

    def check(self, row, line):
        if (row["policy_number"], row["participant_number"]) not in self.accounts:
            self.error(
                line,
                "participant_number",
                _("participant %(number)s of policy %(policy)s has no DPLK account (import the accounts first)")
                % {"number": row["participant_number"], "policy": row["policy_number"]},
            )

    def write(self, rows):
        return self.upsert_into(upsert.DPLK_BALANCES, rows)


class DplkContributionImport(DplkBalanceImport):
    kind = "dplk_contributions"
    label = gettext_lazy("DPLK contributions")
    columns = [
        Column("policy_number", _number(), required=True),
        Column("participant_number", _number(), required=True),
        Column("reference", text(40), required=True),
        Column("paid_on", date(), required=True),
        Column("employer_amount", money(), default=0),
        Column("employee_amount", money(), default=0),
    ]
    key = ("policy_number", "participant_number", "reference")

    def check(self, row, line):
        super().check(row, line)
        if row["employer_amount"] == 0 and row["employee_amount"] == 0:
            self.error(line, "employee_amount", _("a contribution needs an employer or an employee amount"))

    def write(self, rows):
        return self.upsert_into(upsert.DPLK_CONTRIBUTIONS, rows)


# In import order.
KINDS: dict[str, type[FileImport]] = {
    kind.kind: kind
    for kind in (
        PolicyholderImport,
        PolicyImport,
        PlanImport,
        MemberImport,
        IndividualPolicyImport,
        BeneficiaryImport,
        DplkAccountImport,
        DplkBalanceImport,
        DplkContributionImport,
    )
}


def kind_choices():
    return [(name, kind.label) for name, kind in KINDS.items()]


__all__ = ["KINDS", "Counts", "kind_choices"]

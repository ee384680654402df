"""The database part of the core-data import: one set-based upsert per table.

Each target is keyed on the insurer's numbers; foreign keys are resolved in SQL from
the natural keys in the file (policy number, plan code, participant number...), see
satuklik.core.importing.Upsert. A staging column named like a model field fills that
field; the others (policy_number, plan_code...) only feed the lookups.
"""

from satuklik.core.importing import Lookup, Upsert
from satuklik.policies.models import (
    Beneficiary,
    BenefitItem,
    DplkAccount,
    DplkContribution,
    DplkFundBalance,
    IndividualPolicy,
    Member,
    Plan,
    Policy,
    PolicyHolder,
)

POLICY = Lookup("policy", Policy, {"number": "policy_number"})
# DPLK rows name the account by policy and participant number.
DPLK_ACCOUNT_LOOKUPS = [
    Lookup("policy", Policy, {"number": "policy_number"}, store=False),
    Lookup("member", Member, {"policy": "policy", "participant_number": "participant_number"}, store=False),
    Lookup("account", DplkAccount, {"member": "member"}),
]

POLICYHOLDERS = Upsert(PolicyHolder, fields=["code", "name", "address", "city", "phone", "email"], key=["code"])

POLICIES = Upsert(
    Policy,
    fields=["number", "policy_type", "status", "start_date", "end_date", "holder_name"],
    lookups=[Lookup("holder", PolicyHolder, {"code": "holder_code"})],
    key=["number"],
)

PLANS = Upsert(Plan, fields=["code", "name"], lookups=[POLICY], key=["code"])

BENEFIT_ITEMS = Upsert(
    BenefitItem,
    fields=[
        "benefit_type",
        "code",
        "name",
        "name_en",
        "limit_amount",
        "limit_period",
        "annual_limit_amount",
        "count_limit",
        "count_period_months",
        "copay_percent",
        "deductible_amount",
        "waiting_period_days",
        "cashless",
        "sort_order",
    ],
    lookups=[Lookup("plan", Plan, {"code": "plan_code"})],
    key=["plan", "code"],
)

# Run twice by the member import: principals, then dependents (whose principal is
# found by number among the members of the same policy).
MEMBERS = Upsert(
    Member,
    fields=[
        "participant_number",
        "full_name",
        "date_of_birth",
        "gender",
        "email",
        "mobile",
        "relation",
        "employee_number",
        "start_date",
        "end_date",
        "status",
    ],
    lookups=[
        POLICY,
        Lookup("plan", Plan, {"code": "plan_code"}),
        Lookup("principal", Member, {"policy": "policy", "participant_number": "principal_number"}),
    ],
    key=["policy", "participant_number"],
)

INDIVIDUAL_POLICIES = Upsert(
    IndividualPolicy,
    fields=["product_name", "sum_assured", "premium_amount", "premium_frequency", "next_due_date", "payment_status"],
    lookups=[POLICY],
    key=["policy"],
)

BENEFICIARIES = Upsert(
    Beneficiary, fields=["full_name", "relation", "share_percent"], lookups=[POLICY], key=["policy", "full_name"]
)

DPLK_ACCOUNTS = Upsert(
    DplkAccount,
    fields=["normal_retirement_age", "balance_as_of"],
    lookups=[
        DPLK_ACCOUNT_LOOKUPS[0],
        Lookup("member", Member, {"policy": "policy", "participant_number": "participant_number"}),
        Lookup("employer", PolicyHolder, {"code": "employer_code"}),
    ],
    key=["member"],
)

DPLK_BALANCES = Upsert(
    DplkFundBalance,
    fields=["fund_code", "fund_name", "balance"],
    lookups=DPLK_ACCOUNT_LOOKUPS,
    key=["account", "fund_code"],
)

DPLK_CONTRIBUTIONS = Upsert(
    DplkContribution,
    fields=["reference", "paid_on", "employer_amount", "employee_amount"],
    lookups=DPLK_ACCOUNT_LOOKUPS,
    key=["account", "reference"],
)

"""seed_demo: Jane's data exactly as the seed documents show it, the other personas,
realistic members, staff users, and nothing changed by a second run."""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from satuklik.core import roles
from satuklik.demo import policies as demo
from satuklik.demo.accounts import STAFF
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

pytestmark = pytest.mark.django_db
D = datetime.date
MEMBERS = 50  # invented principals: the real default (2,000) is measured, not tested, here


@pytest.fixture
def seeded(settings):
    # MD5 instead of Argon2 for the demo users' passwords: same behaviour, a fraction of the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", members=MEMBERS, verbosity=0)


def snapshot():
    """Every row of the project's models (ids, timestamps and password salts aside), hashed per model."""
    result = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"policies", "accounts", "providers", "auth", "claims", "notifications"}:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in {"id", "created_at", "updated_at", "password", "last_login", "date_joined"}
            and not f.attname.endswith("_id")
        ]
        rows = sorted(map(repr, model.objects.values_list(*fields))) if fields else []
        result[model._meta.label] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def test_jane_railey_as_the_seeds_show_her(seeded):
    jane = Member.objects.select_related("policy__holder", "plan").get(
        policy__number="12345678", participant_number="87654321"
    )
    assert jane.full_name == "JANE RAILEY"
    assert jane.gender == Member.Gender.FEMALE
    assert jane.date_of_birth == D(1990, 12, 1)
    assert jane.email == "jane.railey@example.com"
    assert jane.mobile == "+6281234567890"
    assert jane.relation == Member.Relation.PRINCIPAL and jane.status == Member.Status.ACTIVE
    assert jane.policy.policy_type == PolicyType.GROUP and jane.policy.status == Policy.Status.ACTIVE
    assert jane.policy.holder.name == "PT ABCDE SEJATI"

    # A spouse and two children under 23, on her policy and plan.
    dependents = {(d.relation, d.policy_id, d.plan_id) for d in jane.dependents.all()}
    assert sorted(r for r, _, _ in dependents) == ["CHILD", "SPOUSE"]
    assert jane.dependents.count() == 3 and jane.dependents.filter(relation="CHILD").count() == 2
    assert {(p, pl) for _, p, pl in dependents} == {(jane.policy_id, jane.plan_id)}

    # Her plan: IP-500, Rp 500.000 a day for room and board, all five benefit types.
    assert "IP-500" in jane.plan.name
    items = {item.code: item for item in jane.plan.benefit_items.all()}
    assert {item.benefit_type for item in items.values()} == set(BenefitType.values)
    room = items["IP-RB"]
    assert (room.limit_amount, room.limit_period) == (500_000, LimitPeriod.PER_DAY)
    assert (items["OP-GP"].limit_period, items["OP-GP"].copay_percent) == (LimitPeriod.PER_VISIT, 20)
    assert (items["DT-SCALE"].count_limit, items["DT-SCALE"].count_period_months) == (4, 12)
    assert items["MT-NORMAL"].waiting_period_days == 365 and items["MT-CS"].limit_period == LimitPeriod.PER_CASE
    assert (items["OPT-FRAME"].count_limit, items["OPT-FRAME"].count_period_months) == (1, 24)
    # The plan-wide annual limit is a ceiling over every inpatient item, not an item to claim.
    assert items["IP-LIMIT"].limit_period == LimitPeriod.CEILING

    # Individual life policy 00056789: she is the insured.
    details = IndividualPolicy.objects.select_related("policy").get(policy__number="00056789")
    assert details.policy.policy_type == PolicyType.INDIVIDUAL and details.policy.holder_name == "JANE RAILEY"
    insured = details.policy.members.get()
    assert (insured.full_name, insured.date_of_birth, insured.relation) == ("JANE RAILEY", D(1990, 12, 1), "PRINCIPAL")
    assert details.sum_assured == 1_000_000_000 and details.premium_amount == 1_250_000
    assert details.next_due_date > D(2020, 6, 15)
    assert sum(details.policy.beneficiaries.values_list("share_percent", flat=True)) == 100
    assert details.policy.beneficiaries.count() == 3

    # DPLK participant 00012345: fund balances and years of monthly contributions in two parts.
    account = DplkAccount.objects.select_related("member__policy", "employer").get(
        member__participant_number="00012345"
    )
    assert account.member.policy.number == "00012345" and account.member.policy.policy_type == PolicyType.DPLK
    assert (account.member.full_name, account.member.date_of_birth) == ("JANE RAILEY", D(1990, 12, 1))
    assert account.employer.name == "PT ABCDE SEJATI"
    assert account.fund_balances.count() == 3 and all(b.balance > 0 for b in account.fund_balances.all())
    contributions = list(account.contributions.order_by("paid_on"))
    assert len(contributions) >= 5 * 12
    assert {(c.employer_amount, c.employee_amount) for c in contributions} == {(925_000, 370_000)}
    months = {(c.paid_on.year, c.paid_on.month) for c in contributions}
    assert len(months) == len(contributions)  # one a month


def test_personas_data_set_and_staff(seeded):
    for persona in demo.PERSONAS:
        for policy_type, policy_number, participant_number in persona["memberships"]:
            member = Member.objects.get(policy__number=policy_number, participant_number=participant_number)
            assert member.policy.policy_type == policy_type
            assert (member.full_name, member.date_of_birth) == (persona["full_name"], persona["date_of_birth"])
        assert persona["registered"] == bool(persona.get("password"))
        assert set(persona["linked"]) <= set(persona["memberships"])
    assert not demo.PERSONAS_BY_KEY["jane"]["registered"]
    dedi = Member.objects.get(participant_number="87650021")
    assert dedi.status == Member.Status.INACTIVE and dedi.end_date < D(2026, 1, 1)

    # At least 3 employers with group policies and 1-3 plans each; members with families.
    group_holders = PolicyHolder.objects.filter(policies__policy_type=PolicyType.GROUP).distinct()
    assert group_holders.count() >= 3
    for holder in group_holders:
        assert 1 <= Plan.objects.filter(policy__holder=holder).count() <= 3
    principals = Member.objects.filter(policy__policy_type=PolicyType.GROUP, relation="PRINCIPAL")
    assert principals.count() == MEMBERS + 4  # Jane, Rizky, Siti, Dedi
    assert Member.objects.filter(relation="SPOUSE").exists() and Member.objects.filter(relation="CHILD").exists()
    today = datetime.date.today()
    for born in Member.objects.filter(relation="CHILD").values_list("date_of_birth", flat=True):
        assert today.year - born.year <= 23
    assert principals.filter(status="INACTIVE", end_date__isnull=False).exists()
    assert IndividualPolicy.objects.count() >= 10 and DplkAccount.objects.count() >= 10
    # Every plan's schedule has every benefit type.
    for plan in Plan.objects.all():
        assert set(plan.benefit_items.values_list("benefit_type", flat=True)) == set(BenefitType.values)
    # No invented row took a persona's number.
    for number in demo.RESERVED_NUMBERS:
        assert Member.objects.filter(participant_number=number).count() <= 3  # group + Individu/DPLK self

    User = get_user_model()
    for username, password, _name, role, superuser in STAFF:
        user = User.objects.get(username=username)
        assert user.is_staff and user.is_superuser == superuser
        assert user.groups.filter(name=role).exists()
        assert authenticate(username=username, password=password) == user
    assert {role for *_rest, role, _su in STAFF} == set(roles.ROLE_PERMISSIONS)


def test_registered_personas_can_log_in_and_the_others_can_register(seeded):
    User = get_user_model()
    for persona in demo.PERSONAS:
        if persona["registered"]:
            assert authenticate(username=persona["username"], password=persona["password"]) is not None
        else:
            assert not User.objects.filter(email__iexact=persona["email"]).exists()


def test_a_second_run_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", members=MEMBERS, verbosity=0)
    assert snapshot() == before


def _policies_snapshot():
    return {label: value for label, value in snapshot().items() if label.startswith("policies.")}


def test_the_same_data_every_time(seeded):
    # Build the insurer's data again from nothing (same day, same size): row for row the same.
    before = _policies_snapshot()
    for model in (DplkContribution, DplkFundBalance, DplkAccount, Beneficiary, IndividualPolicy):
        model.objects.all().delete()
    # Rows of other apps' builders that point at members (protected foreign keys) go first.
    for label in ("accounts.PolicyLink", "claims.Claim"):
        if apps.is_installed(f"satuklik.{label.split('.')[0]}"):
            apps.get_model(label).objects.all().delete()
    Member.objects.exclude(principal=None).delete()
    Member.objects.all().delete()
    BenefitItem.objects.all().delete()
    Plan.objects.all().delete()
    Policy.objects.all().delete()
    PolicyHolder.objects.all().delete()
    assert not demo.demo_present()

    demo.build_demo_policies(members=MEMBERS)

    assert _policies_snapshot() == before


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite cannot migrate inside the test's transaction")
def test_reset_drops_everything_and_builds_it_again(seeded):
    before = _policies_snapshot()
    Member.objects.filter(participant_number="87654321").update(full_name="CHANGED BY HAND")
    reference_rows = {model._meta.label: model.objects.count() for model in apps.get_app_config("claims").get_models()}

    call_command("seed_demo", members=MEMBERS, reset=True, verbosity=0)

    assert Member.objects.get(participant_number="87654321").full_name == "JANE RAILEY"
    assert _policies_snapshot() == before
    # Rows written by data migrations (claims' reference data) are written again, not lost.
    assert {m._meta.label: m.objects.count() for m in apps.get_app_config("claims").get_models()} == reference_rows


def test_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo", members=1, verbosity=0)
    assert not Member.objects.exists()
    assert not BenefitItem.objects.exists()


def test_the_insurers_demo_data_is_the_import_files_an_operator_could_load(seeded):
    # The seed wrote exactly these files' rows: importing them again changes nothing.
    from satuklik.policies.importing.kinds import KINDS
    from satuklik.policies.importing.services import core_files_import

    files, _counts = demo.demo_import_files(members=MEMBERS)
    reports = core_files_import(files=files)

    assert [report.kind for report in reports] == list(KINDS)
    assert [(r.file_name, r.ok, r.created, r.updated) for r in reports] == [(r.file_name, True, 0, 0) for r in reports]
    assert Member.objects.count() == next(r.rows for r in reports if r.kind == "members")

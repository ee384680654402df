"""The core-data import: files in, rows upserted all-or-nothing, a report of bad lines out."""

import datetime
import gc
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DataError, connection, transaction
from django.urls import reverse
from django.utils import translation

from satuklik.accounts.tests.staff import admin_sign_in
from satuklik.core.importing import read_table
from satuklik.policies.importing import upsert
from satuklik.policies.importing.kinds import KINDS
from satuklik.policies.importing.models import ImportRun
from satuklik.policies.importing.services import FileToImport, core_file_import, core_files_import
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

pytestmark = pytest.mark.django_db

SAMPLES = settings.BASE_DIR / "samples"
SAMPLE_FILES = {
    "policyholders": "01_policyholders.csv",
    "policies": "02_policies.csv",
    "plans": "03_plans.csv",
    "members": "04_members.csv",
    "individual": "05_individual.csv",
    "beneficiaries": "06_beneficiaries.csv",
    "dplk_accounts": "07_dplk_accounts.csv",
    "dplk_balances": "08_dplk_balances.csv",
    "dplk_contributions": "09_dplk_contributions.csv",
}
ALL_MODELS = [
    PolicyHolder,
    Policy,
    Plan,
    BenefitItem,
    Member,
    IndividualPolicy,
    Beneficiary,
    DplkAccount,
    DplkFundBalance,
    DplkContribution,
]

MEMBERS_HEADER = (
    "policy_number,participant_number,full_name,date_of_birth,gender,relation,principal_number,plan_code,"
    "employee_number,email,mobile,start_date,end_date,status\n"
)


@pytest.fixture(autouse=True)
def _english(settings):
    # The reports' wording is asserted in English (the default language is Indonesian).
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def import_samples(*kinds):
    for kind in kinds or SAMPLE_FILES:
        report = core_file_import(kind=kind, file=SAMPLES / SAMPLE_FILES[kind])
        assert report.ok, report.format_text()


def snapshot():
    """Every imported row with all its values, updated_at included."""
    return {model.__name__: sorted(model.objects.values_list(), key=repr) for model in ALL_MODELS}


def errors_of(report):
    return [(error.line, error.column, error.message) for error in report.errors]


# --- Good files ---------------------------------------------------------------------------


def test_the_samples_import_in_order_and_a_second_run_changes_nothing():
    reports = core_files_import(files=[FileToImport(kind, SAMPLES / name) for kind, name in SAMPLE_FILES.items()])
    assert all(report.ok for report in reports), [r.format_text() for r in reports]
    assert [r.created for r in reports] == [2, 4, 3 + 17, 9, 1, 2, 1, 3, 5]

    jane = Member.objects.select_related("policy__holder", "plan").get(
        policy__number="12345678", participant_number="87654321"
    )
    assert (jane.full_name, jane.gender, jane.date_of_birth) == ("JANE RAILEY", "F", datetime.date(1990, 12, 1))
    assert jane.email == "jane.railey@example.com"
    assert jane.policy.holder.name == "PT ABCDE SEJATI"
    assert jane.plan.code == "ABCDE-A"
    assert sorted(jane.dependents.values_list("full_name", "relation")) == [
        ("JOHN RAILEY", "SPOUSE"),
        ("JUNE RAILEY", "CHILD"),
    ]
    assert Policy.objects.get(number="00056789").individual.premium_amount == 1_250_000
    dplk = DplkAccount.objects.get(member__policy__number="00012345", member__participant_number="00012345")
    assert sum(dplk.fund_balances.values_list("balance", flat=True)) == 61_250_000
    assert dplk.employer.code == "ABCDE"

    before = snapshot()
    again = core_files_import(files=[FileToImport(kind, SAMPLES / name) for kind, name in SAMPLE_FILES.items()])
    assert [(r.created, r.updated) for r in again] == [(0, 0)] * len(SAMPLE_FILES)
    assert [r.unchanged for r in again] == [r.created for r in reports]
    assert snapshot() == before  # same values, same updated_at: nothing was touched


def test_a_changed_row_is_updated_and_only_that_row(tmp_path):
    import_samples("policyholders", "policies", "plans", "members")
    untouched = dict(Member.objects.values_list("participant_number", "updated_at"))
    text = (SAMPLES / "04_members.csv").read_text().replace("081298765432", "081200000000")
    report = core_file_import(kind="members", file=text.encode(), file_name="members.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 8)
    budi = Member.objects.get(participant_number="87654330")
    assert budi.mobile == "081200000000"
    assert budi.updated_at > untouched.pop("87654330")
    assert dict(Member.objects.exclude(pk=budi.pk).values_list("participant_number", "updated_at")) == untouched


def test_money_with_thousand_separators_and_dd_mm_yyyy_dates_are_read():
    import_samples("policyholders", "policies")
    Policy.objects.create(number="00099999", policy_type="INDIVIDUAL", start_date="2020-01-01", holder_name="X")
    csv = (
        "policy_number,product_name,sum_assured,premium_amount,premium_frequency,next_due_date,payment_status\n"
        '00056789,Proteksi Jiwa,Rp 1.250.000.000,"1,250,000",Bulanan,15/12/2026,Lunas\n'
        "00099999,Proteksi Plus,750000000,Rp. 2.500.000,annual,2027-01-31,jatuh tempo\n"
    )
    report = core_file_import(kind="individual", file=csv.encode(), file_name="individual.csv")

    assert report.ok, report.format_text()
    first = IndividualPolicy.objects.get(policy__number="00056789")
    assert (first.sum_assured, first.premium_amount) == (1_250_000_000, 1_250_000)
    assert (first.premium_frequency, first.payment_status) == ("MONTHLY", "PAID")
    assert first.next_due_date == datetime.date(2026, 12, 15)
    second = IndividualPolicy.objects.get(policy__number="00099999")
    assert (second.premium_amount, second.premium_frequency, second.payment_status) == (2_500_000, "ANNUAL", "DUE")
    assert second.next_due_date == datetime.date(2027, 1, 31)


def test_plans_with_semicolons_bom_rupiah_percent_and_indonesian_words():
    import_samples("policyholders", "policies", "plans")
    room = BenefitItem.objects.get(plan__code="ABCDE-A", code="IP-RB")
    assert (room.benefit_type, room.limit_amount, room.limit_period, room.cashless) == (
        "INPATIENT",
        500_000,
        "DAY",
        True,
    )
    doctor = BenefitItem.objects.get(plan__code="ABCDE-A", code="OP-GP")
    assert (doctor.copay_percent, doctor.annual_limit_amount, doctor.limit_period) == (20, 10_000_000, "VISIT")
    frames = BenefitItem.objects.get(plan__code="ABCDE-A", code="OPT-FRAME")
    assert (frames.count_limit, frames.count_period_months, frames.cashless) == (1, 24, False)
    assert BenefitItem.objects.get(plan__code="ABCDE-A", code="IP-MED").limit_amount is None
    assert BenefitItem.objects.get(plan__code="ABCDE-A", code="MA-CS").waiting_period_days == 365
    # No sort_order column: items keep the file's order within their plan.
    assert list(
        Plan.objects.get(code="ABCDE-B").benefit_items.order_by("sort_order").values_list("code", flat=True)
    ) == [
        "IP-RB",
        "IP-SURG",
        "OP-GP",
    ]
    assert Plan.objects.get(code="NUSA-A").policy.number == "23456789"


def test_an_xlsx_file_with_date_and_number_cells_is_read():
    import_samples("policyholders", "policies", "plans")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Policy Number", "Participant Number", "Full Name", "Date of Birth", "Gender", "Relation",
                  "Principal Number", "Plan Code", "Start Date"])  # fmt: skip
    sheet.append(["12345678", "87654321", "JANE RAILEY", datetime.datetime(1990, 12, 1), "Wanita", "Karyawan",
                  None, "ABCDE-A", datetime.date(2026, 1, 1)])  # fmt: skip
    sheet.append([12345678, 87654399, "JOKO RAILEY", "05/05/2015", "L", "Anak", 87654321, "ABCDE-A", "01/01/2026"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = core_file_import(kind="members", file=buffer.getvalue(), file_name="members.xlsx")

    assert report.ok, report.format_text()
    assert report.created == 2
    child = Member.objects.get(participant_number="87654399")
    assert (child.date_of_birth, child.gender, child.relation) == (datetime.date(2015, 5, 5), "M", "CHILD")
    assert child.principal.full_name == "JANE RAILEY"
    assert child.principal.date_of_birth == datetime.date(1990, 12, 1)


def test_the_committed_xlsx_sample_reads_like_its_csv():
    xlsx = read_table(SAMPLES / "xlsx" / "04_members.xlsx")
    csv = read_table(SAMPLES / "04_members.csv")
    assert xlsx.header == csv.header
    import_samples("policyholders", "policies", "plans")
    report = core_file_import(kind="members", file=SAMPLES / "xlsx" / "04_members.xlsx")
    assert report.ok, report.format_text()
    assert report.created == 9
    again = core_file_import(kind="members", file=SAMPLES / "04_members.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)


# --- Bad files: nothing is written, every bad line is reported ------------------------------


def test_a_file_with_one_bad_row_changes_nothing_and_reports_the_line_and_reason():
    import_samples("policyholders", "policies", "plans", "members")
    before = snapshot()
    lines = (SAMPLES / "04_members.csv").read_text().splitlines()
    lines[1] = lines[1].replace("JANE RAILEY", "JANE R. RAILEY")  # a good change...
    lines[4] = lines[4].replace(",Pria,", ",X,")  # ...and a bad gender on line 5
    lines.append("12345678,87654340,NEW PERSON,01/01/1999,F,Karyawan,,ABCDE-A,,,,01/01/2026,,Aktif")

    report = core_file_import(kind="members", file="\n".join(lines).encode(), file_name="members.csv")

    assert not report.ok
    assert errors_of(report) == [(5, "gender", "X is not one of: F, M")]
    assert (report.created, report.updated) == (0, 0)
    assert snapshot() == before
    assert "line 5, gender: X is not one of: F, M" in report.format_text()


def test_reference_and_row_rules_are_reported_with_their_lines():
    import_samples("policyholders", "policies", "plans")
    csv = MEMBERS_HEADER + "\n".join(
        [
            "12345678,1001,ANI,01/01/1990,F,Karyawan,,ABCDE-A,,ani@example.com,,01/01/2026,,Aktif",
            "99999999,1002,BOB,01/01/1990,M,Karyawan,,,,,,01/01/2026,,Aktif",  # unknown policy
            "12345678,1003,CICI,31/02/1990,F,Karyawan,,,,,,01/01/2026,,Aktif",  # no such date
            "12345678,1004,DODI,01/01/2015,M,Anak,5555,ABCDE-A,,,,01/01/2026,,Aktif",  # unknown principal
            "12345678,1005,EKA,01/01/2015,M,Anak,,ABCDE-A,,,,01/01/2026,,Aktif",  # dependent without principal
            "12345678,1006,FIFI,01/01/1990,F,Karyawan,,NUSA-A,,,,01/01/2026,,Aktif",  # plan of another policy
            "12345678,1001,ANI AGAIN,01/01/1990,F,Karyawan,,,,,,01/01/2026,,Aktif",  # duplicate
            "12345678,1007,GINA,01/01/1990,F,Karyawan,,,,,,01/01/2026,31/12/2025,Aktif",
            "12345678,1008,HANA,01/01/1990,F,Karyawan,,,,not-an-email,,01/01/2026,,Aktif",
            "12345678,1009,,01/01/1990,F,Karyawan,,,,,,01/01/2026,,Aktif",  # no name
        ]
    )
    report = core_file_import(kind="members", file=csv.encode(), file_name="members.csv")

    assert sorted(errors_of(report)) == [
        (3, "policy_number", "policy 99999999 does not exist (import it first)"),
        (4, "date_of_birth", "31/02/1990 is not a date (write dd/mm/yyyy, e.g. 01/12/1990)"),
        (5, "principal_number", "principal 5555 is not a member of policy 12345678"),
        (6, "principal_number", "is required for a dependent (spouse or child)"),
        (7, "plan_code", "plan NUSA-A belongs to policy 23456789"),
        (8, "participant_number", "the same policy_number + participant_number as line 2"),
        (9, "end_date", "is before the start date"),
        (10, "email", "not-an-email is not an e-mail address"),
        (11, "full_name", "is required"),
    ]
    assert not Member.objects.exists()


def test_a_dependent_may_name_a_principal_imported_earlier_but_not_one_of_another_policy():
    import_samples("policyholders", "policies", "plans", "members")
    csv = MEMBERS_HEADER + "\n".join(
        [
            "12345678,87654324,JIM RAILEY,01/01/2020,M,Anak,87654321,ABCDE-A,,,,01/01/2026,,Aktif",
            "23456789,55501003,KID,01/01/2020,M,Anak,87654321,NUSA-A,,,,01/04/2026,,Aktif",
            "12345678,87654325,KID TWO,01/01/2020,M,Anak,87654322,ABCDE-A,,,,01/01/2026,,Aktif",
        ]
    )
    report = core_file_import(kind="members", file=csv.encode(), file_name="members.csv")
    assert errors_of(report) == [
        (3, "principal_number", "principal 87654321 is not a member of policy 23456789"),
        (4, "principal_number", "87654322 is a dependent, not a principal"),
    ]
    fixed = "\n".join(csv.splitlines()[:2])
    report = core_file_import(kind="members", file=fixed.encode(), file_name="members.csv")
    assert report.ok
    assert Member.objects.get(participant_number="87654324").principal.participant_number == "87654321"


def test_files_refer_to_what_earlier_files_of_the_set_bring_even_in_a_dry_run():
    alone = core_file_import(kind="members", file=SAMPLES / "04_members.csv")
    assert "policy 12345678 does not exist (import it first)" in [e.message for e in alone.errors]

    files = [
        FileToImport(kind, SAMPLES / SAMPLE_FILES[kind]) for kind in ("policyholders", "policies", "plans", "members")
    ]
    reports = core_files_import(files=files, dry_run=True)
    assert all(report.ok and report.dry_run for report in reports)
    assert reports[-1].created == 9
    assert not any(model.objects.exists() for model in ALL_MODELS)


def test_the_header_must_name_known_columns_and_every_required_one():
    report = core_file_import(
        kind="policyholders", file=b"holder_code,nama,city\nX,PT X,Medan\n", file_name="policyholders.csv"
    )
    assert errors_of(report) == [
        (1, "nama", "unknown column (expected: holder_code, name, address, city, phone, email)"),
        (1, "name", "required column is missing"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (
            "holder_code,name\nX,PT \u00c9\n".encode("latin-1"),
            "The file is not UTF-8 text (byte 22). Save it as CSV UTF-8.",
        ),
    ],
)
def test_an_unreadable_file_is_reported(content, message):
    report = core_file_import(kind="policyholders", file=content, file_name="policyholders.csv")
    assert [e.message for e in report.errors] == [message]


def test_a_row_with_more_cells_than_columns_is_reported():
    csv = "holder_code,name,city\nA,PT A,Medan\nB,PT B, Tbk,Medan\nC,PT C,Padang,\n"
    report = core_file_import(kind="policyholders", file=csv.encode(), file_name="policyholders.csv")
    assert errors_of(report) == [(3, "", "the row has more cells than the header has columns")]
    assert not PolicyHolder.objects.exists()


def test_a_fake_xlsx_is_reported():
    report = core_file_import(kind="policyholders", file=b"PK\x03\x04garbage", file_name="x.xlsx")
    assert [e.message for e in report.errors] == ["The file is not a valid XLSX workbook."]


def test_the_cycle_collector_runs_again_after_an_import_good_or_bad():
    # An import pauses it while it holds the rows; a web worker must not keep it off.
    import_samples("policyholders")
    assert gc.isenabled()
    core_file_import(kind="policyholders", file=b"holder_code,name\nA,\n", file_name="policyholders.csv")
    assert gc.isenabled()
    with pytest.raises(FileNotFoundError):
        core_file_import(kind="policyholders", file=SAMPLES / "no-such-file.csv")
    assert gc.isenabled()


def test_plan_rows_must_agree_on_the_plan_and_shares_must_not_exceed_100():
    import_samples("policyholders", "policies")
    plans = (
        "plan_code,plan_name,benefit_type,item_code,item_name,limit_amount\n"
        "P1,Plan One,Rawat Inap,RB,Kamar,500.000\n"
        "P1,Plan Uno,Gigi,FILL,Tambal,1.500.000\n"
        "P1,Plan One,Gigi,SCALE,Scaling,1.5\n"
    )
    report = core_file_import(kind="plans", file=plans.encode(), file_name="plans.csv")
    assert errors_of(report) == [
        (4, "limit_amount", "1.5 is not an amount in rupiah"),
        (
            3,
            "plan_name",
            "plan P1 differs from line 2 (the plan's name and policy must repeat on every row)",
        ),
    ]
    beneficiaries = "policy_number,full_name,relation,share_percent\n00056789,A,Anak,60%\n00056789,B,Anak,50\n"
    report = core_file_import(kind="beneficiaries", file=beneficiaries.encode(), file_name="b.csv")
    assert errors_of(report) == [
        (3, "share_percent", "the shares of policy 00056789 add up to more than 100%"),
    ]


def test_numbers_too_large_for_their_column_are_reported_not_stored_wrong():
    import_samples("policyholders", "policies")
    plans = (
        "plan_code,plan_name,benefit_type,item_code,item_name,limit_amount,count_limit\n"
        "P1,Plan One,Rawat Inap,RB,Kamar,500.000,99999999999\n"
        "P1,Plan One,Gigi,FILL,Tambal,99.999.999.999.999.999.999,1\n"
    )
    report = core_file_import(kind="plans", file=plans.encode(), file_name="plans.csv")
    assert errors_of(report) == [
        (2, "count_limit", "must be at most 2147483647"),
        (3, "limit_amount", "must be at most 9223372036854775807"),
    ]
    assert not BenefitItem.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's integers hold 64 bits whatever the column")
def test_the_upsert_refuses_a_number_too_large_for_its_column_rather_than_wrapping_it():
    # Converters bound their numbers; this is the database's guard behind them.
    import_samples("policyholders", "policies", "plans")
    row = {
        "benefit_type": "DENTAL",
        "code": "BIG",
        "name": "Big",
        "name_en": "",
        "limit_amount": None,
        "limit_period": "YEAR",
        "annual_limit_amount": None,
        "count_limit": 2**40,
        "count_period_months": None,
        "copay_percent": 0,
        "deductible_amount": 0,
        "waiting_period_days": 0,
        "cashless": True,
        "sort_order": 1,
        "plan_code": "ABCDE-A",
    }
    with pytest.raises(DataError, match="out of range"), transaction.atomic():
        upsert.BENEFIT_ITEMS.run([tuple(row[name] for name in upsert.BENEFIT_ITEMS.staging_columns)])
    assert not BenefitItem.objects.filter(code="BIG").exists()


def test_dplk_rows_need_the_account_imported_first():
    import_samples("policyholders", "policies", "plans", "members")
    report = core_file_import(kind="dplk_balances", file=SAMPLES / "08_dplk_balances.csv")
    assert errors_of(report)[0] == (
        2,
        "participant_number",
        "participant 00012345 of policy 00012345 has no DPLK account (import the accounts first)",
    )
    wrong = "policy_number,participant_number\n12345678,87654321\n"
    report = core_file_import(kind="dplk_accounts", file=wrong.encode(), file_name="accounts.csv")
    assert errors_of(report) == [(2, "policy_number", "policy 12345678 is not a DPLK policy")]


# --- Command --------------------------------------------------------------------------------


def test_the_command_prints_the_report_and_exits_1_on_errors(tmp_path, capsys):
    call_command("import_core_data", "all", str(SAMPLES))
    out = capsys.readouterr().out
    assert "04_members.csv: 9 rows read, 9 created, 0 updated, 0 unchanged." in out
    assert ImportRun.objects.filter(source=ImportRun.Source.COMMAND, status=ImportRun.Status.SUCCEEDED).count() == 9

    bad = tmp_path / "members.csv"
    bad.write_text(MEMBERS_HEADER + "12345678,87654321,JANE RAILEY,1/13/1990,F,Karyawan,,,,,,01/01/2026,,Aktif\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_core_data", "members", str(bad))
    assert failure.value.returncode == 1
    out = capsys.readouterr().out
    assert "line 2, date_of_birth: 1/13/1990 is not a date" in out
    run = ImportRun.objects.first()
    assert (run.status, run.error_count, run.errors[0]["line"]) == (ImportRun.Status.FAILED, 1, 2)

    call_command("import_core_data", "members", str(SAMPLES / "04_members.csv"), "--dry-run")
    assert "Dry run: nothing was written." in capsys.readouterr().out


# --- Back-office upload ---------------------------------------------------------------------


@pytest.fixture
def importer(client):
    user = get_user_model().objects.create_user(username="IMPORTER", password="a-long-passphrase", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="import_core_data"))
    admin_sign_in(client, user, password="a-long-passphrase")
    return user


def test_a_permitted_staff_user_uploads_a_file_and_sees_the_counts(client, importer):
    import_samples("policyholders", "policies", "plans")
    url = reverse("admin:policies_importrun_add")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Import core-system data" in page.content

    upload = SimpleUploadedFile("members.csv", (SAMPLES / "04_members.csv").read_bytes(), content_type="text/csv")
    page = client.post(url, {"kind": "members", "file": upload})

    assert page.status_code == 200
    assert "9 rows read, 9 created, 0 updated, 0 unchanged." in page.content.decode()
    assert Member.objects.count() == 9
    run = ImportRun.objects.get()
    assert (run.kind, run.file_name, run.started_by, run.created, run.status) == (
        "members",
        "members.csv",
        importer,
        9,
        ImportRun.Status.SUCCEEDED,
    )
    history = client.get(reverse("admin:policies_importrun_changelist"))
    assert history.status_code == 200
    assert b"members.csv" in history.content
    assert client.get(reverse("admin:policies_importrun_change", args=[run.pk])).status_code == 200


def test_an_upload_with_a_bad_row_shows_the_lines_and_writes_nothing(client, importer):
    import_samples("policyholders", "policies", "plans")
    content = (SAMPLES / "04_members.csv").read_text().replace("01/12/1990,Wanita,Karyawan", "01/12/1990,?,Karyawan", 1)
    upload = SimpleUploadedFile("members.csv", content.encode(), content_type="text/csv")

    page = client.post(reverse("admin:policies_importrun_add"), {"kind": "members", "file": upload})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-errors"' in html
    assert "<td>gender</td><td>? is not one of: F, M</td>" in html
    assert not Member.objects.exists()
    run = ImportRun.objects.get()
    assert (run.status, run.errors) == (
        ImportRun.Status.FAILED,
        [{"line": 2, "column": "gender", "message": "? is not one of: F, M"}],
    )
    assert (
        "? is not one of: F, M"
        in client.get(reverse("admin:policies_importrun_change", args=[run.pk])).content.decode()
    )


def test_the_upload_refuses_other_file_types(client, importer):
    upload = SimpleUploadedFile("members.pdf", b"%PDF-1.4", content_type="application/pdf")
    page = client.post(reverse("admin:policies_importrun_add"), {"kind": "members", "file": upload})
    assert "Upload a .csv or .xlsx file." in page.content.decode()
    assert not ImportRun.objects.exists()


def test_the_upload_is_refused_to_staff_without_the_permission_and_to_visitors(client):
    url = reverse("admin:policies_importrun_add")
    assert client.get(url).status_code == 302  # to the admin login

    staff = get_user_model().objects.create_user(username="CLERK", password="a-long-passphrase", is_staff=True)
    admin_sign_in(client, staff, password="a-long-passphrase")
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("policyholders.csv", (SAMPLES / "01_policyholders.csv").read_bytes())
    assert client.post(url, {"kind": "policyholders", "file": upload}).status_code == 403
    assert client.get(reverse("admin:policies_importrun_changelist")).status_code == 403
    assert not PolicyHolder.objects.exists()


def test_every_kind_has_a_sample_and_a_section_in_the_docs():
    docs = (settings.BASE_DIR / "README.md").read_text()
    assert list(SAMPLE_FILES) == list(KINDS)
    for kind, importer in KINDS.items():
        assert (SAMPLES / SAMPLE_FILES[kind]).exists()
        assert f"`{kind}`" in docs
        for column in importer.columns:
            assert f"`{column.name}`" in docs, (kind, column.name)

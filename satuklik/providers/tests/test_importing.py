"""The provider directory import: idempotent, all or nothing, bad lines reported."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from satuklik.policies.importing.models import ImportRun
from satuklik.policies.tests.factories import PlanFactory, PolicyHolderFactory
from satuklik.providers.models import Provider, ProviderType
from satuklik.providers.selectors import ProviderFilters, provider_search
from satuklik.providers.services import providers_import

pytestmark = pytest.mark.django_db(transaction=False)
SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "providers.csv"
HEADER = "provider_code,name,type,city,latitude,longitude,services,cashless,network_plans,network_holders\n"


def csv(*lines, header=HEADER):
    return (header + "\n".join(lines) + "\n").encode()


def snapshot():
    return list(Provider.objects.order_by("code").values())


@pytest.fixture
def holder():
    return PolicyHolderFactory(code="ABCDE")


def test_the_sample_file_imports_and_a_second_run_changes_nothing(holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = providers_import(file=SAMPLE, file_name="providers.csv")
    assert report.ok, report.format_text()
    assert (report.rows, report.created, report.updated, report.unchanged) == (20, 20, 0, 0)
    siloam = Provider.objects.get(code="PRV0001")
    assert siloam.name == "RS Siloam Kebon Jeruk" and siloam.search_name == "rumah sakit siloam kebon jeruk"
    assert siloam.provider_type == ProviderType.HOSPITAL and siloam.city_key == "jakarta barat"
    assert siloam.services == ["INPATIENT", "OUTPATIENT", "DENTAL", "MATERNITY"]
    assert siloam.latitude == -6.1909 and siloam.emergency_24h and siloam.cashless
    assert list(siloam.network_holders.all()) == [holder]
    assert not Provider.objects.get(code="PRV0010").cashless  # the optician is reimbursement only
    # Found by the search at once (the city list cache was cleared on commit).
    assert [p.code for p in provider_search(filters=ProviderFilters(city="sabang")).items] == ["PRV0019"]

    before = snapshot()
    again = providers_import(file=SAMPLE, file_name="providers.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert snapshot() == before  # updated_at included
    network = again.tables["network"]
    assert (network.created, network.updated, network.unchanged) == (0, 0, 17)


def test_a_bad_row_means_nothing_is_written_and_every_bad_line_is_reported(holder):
    providers_import(file=csv("P1,RS Lama,RS,Medan,3.59,98.67,Rawat Inap,Y,,"))
    before = snapshot()
    report = providers_import(
        file=csv(
            "P1,RS Lama Baru,RS,Medan,3.59,98.67,Rawat Inap,Y,,",
            "P2,Klinik Dua,Klinik,Bandung,abc,107.6,,Y,,",
            "P3,Tiga,Casino,Bandung,-6.9,107.6,,Y,,",
            "P4,Empat,Klinik,Bandung,-6.9,190,,Y,,",
            "P5,Lima,Klinik,Bandung,-6.9,107.6,Sauna,maybe,,",
            "P6,Enam,Klinik,Bandung,-6.9,107.6,,Y,NOPLAN,NOHOLDER",
            "P1,Duplikat,Klinik,Bandung,-6.9,107.6,,Y,,",
            ",Tanpa Kode,Klinik,Bandung,-6.9,107.6,,Y,,",
            "P7,Nol,Klinik,Bandung,0,0,,Y,,",
        )
    )
    assert not report.ok
    assert snapshot() == before
    problems = {(error.line, error.column) for error in report.errors}
    assert problems == {
        (3, "latitude"),
        (4, "type"),
        (5, "longitude"),
        (6, "services"),
        (6, "cashless"),
        (7, "network_plans"),
        (7, "network_holders"),
        (8, "provider_code"),  # the same code as line 2
        (9, "provider_code"),  # missing
        (10, "latitude"),  # 0, 0
    }
    assert "line 7" in report.format_text() or "baris 7" in report.format_text()


def test_a_changed_row_is_updated_and_its_search_name_follows(holder):
    providers_import(file=csv("P1,RS Lama,RS,Medan,3.59,98.67,Rawat Inap,Y,,ABCDE"))
    report = providers_import(file=csv("P1,RSIA Baru,RS,Kota Medan,3.59,98.67,Rawat Inap; Melahirkan,Y,,"))
    assert (report.created, report.updated) == (0, 1)
    provider = Provider.objects.get(code="P1")
    assert provider.search_name == "rumah sakit ibu dan anak baru" and provider.city_key == "medan"
    assert provider.service_maternity
    assert not provider.network_holders.exists()  # the row lists no network any more


def test_without_network_columns_the_networks_stay(holder):
    plan = PlanFactory(code="PLAN-A")
    providers_import(file=csv("P1,RS Satu,RS,Medan,3.59,98.67,,Y,PLAN-A,ABCDE"))
    header = "provider_code,name,type,city,latitude,longitude\n"
    assert providers_import(file=csv("P1,RS Satu Baru,RS,Medan,3.59,98.67", header=header)).ok
    provider = Provider.objects.get(code="P1")
    assert provider.name == "RS Satu Baru"
    assert list(provider.network_plans.all()) == [plan] and list(provider.network_holders.all()) == [holder]


def test_semicolons_and_decimal_commas_as_excel_writes_them_in_indonesia():
    data = "provider_code;name;type;city;latitude;longitude\nP1;Apotik Sehat;Apotek;Medan;3,5952;98,6722\n"
    report = providers_import(file=data.encode("utf-8-sig"))
    assert report.ok, report.format_text()
    provider = Provider.objects.get(code="P1")
    assert (provider.latitude, provider.longitude, provider.search_name) == (3.5952, 98.6722, "apotek sehat")


def test_xlsx_files_import_too():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Provider Code", "Name", "Type", "City", "Latitude", "Longitude", "Emergency 24h"])
    sheet.append(["P1", "Optik Melawai", "Optik", "Jakarta Selatan", -6.244, 106.799, "N"])
    sheet.append(["P2", "RS Dua", "Hospital", "Jakarta Selatan", -6.25, 106.8, "Y"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = providers_import(file=buffer.getvalue(), file_name="providers.xlsx")
    assert report.ok and report.created == 2, report.format_text()
    assert Provider.objects.get(code="P2").emergency_24h


def test_the_command_reports_and_fails_on_a_bad_file(tmp_path, holder):
    good = tmp_path / "providers.csv"
    good.write_bytes(csv("P1,RS Satu,RS,Medan,3.59,98.67,,Y,,ABCDE"))
    out = io.StringIO()
    call_command("import_providers", str(good), stdout=out)
    assert Provider.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("P2,RS Dua,RS,Medan,abc,98.67,,Y,,"))
    with pytest.raises(CommandError):
        call_command("import_providers", str(bad), stdout=io.StringIO())
    assert Provider.objects.count() == 1
    runs = list(ImportRun.objects.order_by("id").values_list("kind", "status", "error_count"))
    assert runs == [("providers", "SUCCEEDED", 0), ("providers", "FAILED", 1)]


def test_a_dry_run_writes_nothing(holder):
    report = providers_import(file=SAMPLE, file_name="providers.csv", dry_run=True)
    assert report.ok and report.created == 20
    assert not Provider.objects.exists()

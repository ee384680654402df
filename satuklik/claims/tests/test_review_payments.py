"""Bulk "mark paid" from the bank's transfer file: matched lines paid together, the rest reported."""

import datetime

import pytest
from django.utils import translation

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.models import Claim
from satuklik.claims.review import ReviewError, claim_decide, claim_start_review, payments_import_csv
from satuklik.claims.tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages checked here are the English msgids (the default language is Indonesian).
    with translation.override("en"):
        yield


S = Claim.Status


@pytest.fixture
def officer():
    return StaffUserFactory()


def approved(officer, number):
    """A claim of 300.000 approved at the proposal: 120.000 to pay (150.000 limit, 20 % co-payment)."""
    claim = ClaimFactory(number=number)
    claim_start_review(claim=claim, officer=officer)
    claim_decide(claim=claim, officer=officer, decision="approve")
    return claim


def test_matched_lines_are_paid_and_the_others_reported(officer):
    first = approved(officer, "CLM-A-1")
    second = approved(officer, "CLM-A-2")
    third = approved(officer, "CLM-A-3")
    ClaimFactory(number="CLM-R-1", status=S.REJECTED)
    data = (
        b"claim number;amount;reference;date\n"
        b"CLM-A-1;120.000;TRF0001;2025-03-25\n"
        b"clm-a-2;Rp 120.000;TRF0002;25/03/2025\n"
        b"CLM-NOPE;120.000;TRF0003;2025-03-25\n"
        b"CLM-A-3;100.000;TRF0004;2025-03-25\n"  # not the approved amount
        b"CLM-R-1;0;TRF0005;2025-03-25\n"  # rejected: nothing to pay
        b"CLM-A-3;120.000;TRF0006;31/02/2025\n"  # no such date
        b"\n"
        b"CLM-A-3;12x;TRF0007;2025-03-25\n"
        b"CLM-A-1;120.000;TRF0008;2025-03-25\n"  # a second time in the file
        b"CLM-A-3;120.000\n"
    )
    report = payments_import_csv(data=data, officer=officer)

    assert [(line.line, line.number) for line in report.paid] == [(2, "CLM-A-1"), (3, "clm-a-2")]
    assert report.total_paid == 240_000
    assert [(line.line, line.number) for line in report.unmatched] == [(4, "CLM-NOPE")]
    problems = {line.line: line.problem for line in report.invalid}
    assert sorted(problems) == [5, 6, 7, 9, 10, 11]
    assert "Rp 120.000" in problems[5]
    assert "not approved for payment" in problems[6]
    assert "31/02/2025" in problems[7]
    assert "12x" in problems[9]
    assert "earlier line" in problems[10]
    assert "4 columns" in problems[11]
    assert not report.ok

    for claim, reference in ((first, "TRF0001"), (second, "TRF0002")):
        claim.refresh_from_db()
        assert (claim.status, claim.amount_paid, claim.payment_reference) == (S.PAID, 120_000, reference)
        assert claim.paid_at.date() == datetime.date(2025, 3, 25)
        assert claim.status_changes.order_by("id").last().actor == officer
    third.refresh_from_db()
    assert third.status == S.PARTLY_APPROVED


def test_one_line_the_officer_may_not_pay_leaves_the_whole_file_unpaid(officer):
    mine = approved(StaffUserFactory(), "CLM-B-1")
    mine.submitted_by = officer
    mine.save(update_fields=["submitted_by"])
    other = approved(officer, "CLM-B-2")
    report = payments_import_csv(data="CLM-B-2,120000,T1,2025-03-25\nCLM-B-1,120000,T2,2025-03-25\n", officer=officer)
    assert report.paid == []
    assert {line.number: line.problem for line in report.invalid} == {
        "CLM-B-1": "You submitted this claim: another officer must handle it.",
        "CLM-B-2": "Not paid: another line of the file could not be paid.",
    }
    other.refresh_from_db()
    assert other.status == S.PARTLY_APPROVED and other.amount_paid is None


def test_a_file_that_is_not_text_is_refused(officer):
    with pytest.raises(ReviewError):
        payments_import_csv(data=b"\x89PNG\r\n\x1a\n\x00\x00\x00", officer=officer)
    with pytest.raises(ReviewError):
        payments_import_csv(data=b"\xff\xfe\xfa", officer=officer)


def test_the_banks_excel_export_is_read_like_every_imported_file(officer):
    """XLSX with a date cell and a number cell, or dates written 25.03.2025: as the core-data import reads them."""
    import io

    import openpyxl

    first = approved(officer, "CLM-X-1")
    second = approved(officer, "CLM-X-2")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nomor klaim", "Jumlah", "Referensi", "Tanggal"])
    sheet.append(["CLM-X-1", 120000, "TRF-X1", datetime.datetime(2025, 3, 25)])
    sheet.append(["CLM-X-2", "Rp 120.000", "TRF-X2", "26.03.2025"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = payments_import_csv(data=buffer.getvalue(), officer=officer)

    assert [(line.line, line.number) for line in report.paid] == [(2, "CLM-X-1"), (3, "CLM-X-2")]
    assert report.ok
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.paid_at.date()) == (S.PAID, datetime.date(2025, 3, 25))
    assert (second.status, second.paid_at.date()) == (S.PAID, datetime.date(2025, 3, 26))

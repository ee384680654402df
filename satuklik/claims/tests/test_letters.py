"""The decision letter: a PDF in the member's language with each item, the amounts and the reasons."""

import io

import pytest
from pypdf import PdfReader

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.letters import LetterNotAvailable, decision_letter_pdf
from satuklik.claims.models import ReasonCode
from satuklik.claims.review import Adjustment, claim_appeal, claim_decide, claim_mark_paid, claim_start_review
from satuklik.claims.tests.factories import ClaimFactory, member_user

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def officer():
    return StaffUserFactory()


@pytest.fixture
def member():
    return member_user()


@pytest.fixture
def claim(member):
    return ClaimFactory(member=member.policy_links.get().member)


def test_partial_approval_in_english_lists_each_reduction_and_the_appeal_right(claim, officer, settings):
    settings.BRAND = {**settings.BRAND, "INSURER_NAME": "PT Asuransi Uji Coba"}
    claim_start_review(claim=claim, officer=officer)
    claim_decide(claim=claim, officer=officer, decision="approve", note="Sesuai jadwal manfaat.")
    text = text_of(decision_letter_pdf(claim=claim, language="en"))
    assert "PT Asuransi Uji Coba" in text
    assert "Claim decision letter" in text
    assert claim.number in text
    assert claim.member.full_name in text
    assert "General practitioner consultation" in text
    # 300.000 claimed, 120.000 approved: 150.000 over the visit limit, 30.000 co-payment.
    assert "Rp 300.000" in text and "Rp 120.000" in text
    assert "Over the limit of Rp 150.000 per visit x 1: Rp 150.000 not paid." in text
    assert "Co-payment of 20% borne by the participant: Rp 30.000." in text
    assert "Borne by the participant: Rp 180.000" in text
    assert "Sesuai jadwal manfaat." in text
    assert "appeal this decision once, within 30 days" in text
    assert "account ending 7890" in text
    assert "1234567890" not in text


def test_rejection_in_indonesian_uses_the_reason_list_and_item_names(claim, officer):
    claim_start_review(claim=claim, officer=officer)
    claim_decide(
        claim=claim, officer=officer, decision="reject", reason_code="LATE_SUBMISSION", note="75 hari <b>&</b>."
    )
    text = text_of(decision_letter_pdf(claim=claim, language="id"))
    assert ReasonCode.objects.get(code="LATE_SUBMISSION").text_id in text
    assert "Konsultasi dokter umum" in text
    assert "75 hari <b>&</b>." in text  # shown as typed, never as markup


def test_officer_adjustment_reason_and_the_final_decision_on_appeal(claim, officer, member):
    claim_start_review(claim=claim, officer=officer)
    item = claim.items.get()
    claim_decide(
        claim=claim,
        officer=officer,
        decision="approve",
        adjustments={item.pk: Adjustment(100_000, "DOCS_INCOMPLETE", "Kuitansi obat tidak terbaca.")},
    )
    claim_mark_paid(claim=claim, officer=officer, reference="TRF-77")
    text = text_of(decision_letter_pdf(claim=claim, language="en"))
    assert "Documents incomplete" in text and "Kuitansi obat tidak terbaca." in text
    assert "Rp 100.000 was paid on" in text and "TRF-77" in text

    claim_appeal(claim=claim, user=member, reason="Kuitansi terlampir ulang.")
    colleague = StaffUserFactory()
    claim_start_review(claim=claim, officer=colleague)
    claim_decide(claim=claim, officer=colleague, decision="approve", adjustments={item.pk: Adjustment(300_000)})
    text = text_of(decision_letter_pdf(claim=claim, language="en"))
    assert "Decision on your appeal" in text
    assert "it is final" in text
    assert "appeal this decision once" not in text


def test_no_letter_before_a_decision(claim):
    with pytest.raises(LetterNotAvailable):
        decision_letter_pdf(claim=claim, language="id")

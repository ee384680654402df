"""The claims officer's journey in Chromium: the work queue, a claim with its proposal and
document, a document request, a partial approval with a reason, the payment."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.models import Claim, ReasonCode
from satuklik.claims.tests.factories import ClaimDocumentFactory, ClaimFactory
from satuklik.claims.workflow import claim_transition
from satuklik.core.roles import CLAIMS_OFFICER, roles_setup


def officer_and_claim():
    # Transactional tests flush the tables (data-migration rows included): put back what this needs.
    roles_setup()
    for code, text_id, text_en in (
        ("DOCS_INCOMPLETE", "Dokumen tidak lengkap", "Documents incomplete"),
        ("OTHER", "Alasan lain", "Other reason"),
    ):
        ReasonCode.objects.get_or_create(code=code, defaults={"text_id": text_id, "text_en": text_en})
    officer = StaffUserFactory(username="klaim.e2e")
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    claim = ClaimFactory(number="CLM-E2E-0001")  # due 1 April 2025: overdue
    ClaimDocumentFactory(claim=claim, original_name="kuitansi.pdf")
    return officer, claim


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_officer_reviews_requests_a_document_partly_approves_and_pays(page, context, sign_in, screenshot):
    officer, claim = officer_and_claim()
    sign_in(officer)

    page.goto("/backoffice/claims/")
    row = page.locator("tr.is-overdue", has_text="CLM-E2E-0001")
    expect(row).to_be_visible()
    expect(row).to_contain_text("overdue")
    screenshot("backoffice-queue")
    row.get_by_role("link", name="CLM-E2E-0001").click()

    page.get_by_role("button", name="Start review").click()
    expect(page.locator(".flash")).to_contain_text("You are reviewing claim CLM-E2E-0001")
    # The proposal in words: 150.000 per visit, then 20 % co-payment.
    expect(page.get_by_text("Co-payment of 20% borne by the participant: Rp 30.000.")).to_be_visible()
    document_url = page.get_by_role("link", name="kuitansi.pdf").get_attribute("href")
    shown = context.request.get(document_url)
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline")

    page.get_by_label("Message to the member: which documents are needed").fill("Mohon unggah resep dokter.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".page-head .badge").first).to_have_text("Documents requested")

    # The member uploads the prescription (the member pages do this): the claim is submitted again.
    claim_transition(claim=Claim.objects.get(pk=claim.pk), to_status=Claim.Status.SUBMITTED)
    page.reload()
    page.get_by_role("button", name="Start review").click()
    page.get_by_label("Approved for Konsultasi dokter umum").fill("100.000")
    page.get_by_label("Reason for Konsultasi dokter umum").select_option("DOCS_INCOMPLETE")
    page.get_by_label("Note for Konsultasi dokter umum").fill("Obat tanpa resep tidak dibayar.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Partly approved")

    page.get_by_label("Transfer reference").fill("BCA-20250401-77")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator(".page-head .badge").first).to_have_text("Paid")
    expect(page.locator("dd", has_text="BCA-20250401-77")).to_be_visible()
    expect(page.get_by_role("link", name="Decision letter (PDF)")).to_be_visible()
    screenshot("backoffice-claim-paid")

    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.amount_paid, claim.decided_by) == (
        Claim.Status.PAID,
        100_000,
        100_000,
        officer,
    )


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_a_member_never_sees_the_work_queue(page, sign_in):
    from satuklik.claims.tests.factories import member_user

    sign_in(member_user())
    response = page.goto("/backoffice/claims/")
    assert response.status == 403


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_an_officer_needs_password_and_code_to_reach_the_queue(page, screenshot):
    from satuklik.accounts.management.commands.staff_totp_setup import current_code, demo_device_for

    officer, _claim = officer_and_claim()
    officer.set_password("Klaim-Pass-2026!")
    officer.save(update_fields=["password"])
    device = demo_device_for(officer)

    page.goto("/backoffice/claims/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "klaim.e2e")
    page.fill("#id_password", "Klaim-Pass-2026!")
    page.click("#login-submit")
    page.wait_for_url("**/accounts/login/code/**")
    screenshot("staff-code-step")
    # The password alone opens nothing: the queue sends the officer back to the code step.
    page.goto("/backoffice/claims/")
    page.wait_for_url("**/accounts/login/code/**")
    expect(page.locator("tr", has_text="CLM-E2E-0001")).to_have_count(0)
    page.fill("#id_code", "000000" if current_code(device) != "000000" else "111111")
    page.click("#login-code-submit")
    expect(page.locator("#login-code-error")).to_contain_text("The authenticator code is not correct.")
    page.wait_for_timeout(2100)  # django-otp slows the device down for a second after a wrong code
    page.fill("#id_code", current_code(device))
    page.click("#login-code-submit")
    page.wait_for_url("**/backoffice/claims/")
    expect(page.locator("tr.is-overdue", has_text="CLM-E2E-0001")).to_be_visible()

"""Jane's eClaim journey in Chromium, with a claims officer in the back office beside her.

Jane claims an outpatient visit of her daughter with a PDF receipt and a JPEG prescription
taken "from the camera" (the input with capture="environment"), confirms a new bank
account with the code e-mailed to her, sees the claim submitted with its number; the
officer asks for a document in the back office; Jane uploads it on the same claim; the
officer partly approves with a reason and marks it paid; Jane sees every step in her
timeline, the e-mails are in the outbox, and her daughter's outpatient benefit shows the
new used and remaining amounts.
"""

import datetime
import importlib
import io
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from satuklik.accounts.tests.factories import StaffUserFactory, UserFactory
from satuklik.claims.models import Claim, ClaimDocument
from satuklik.claims.tests.factories import TINY_PDF
from satuklik.core.money import format_rupiah
from satuklik.core.roles import CLAIMS_OFFICER, roles_setup
from satuklik.demo.policies import build_demo_policies
from satuklik.notifications.models import Message
from satuklik.policies.benefits import benefit_usage_for_member
from satuklik.policies.models import BenefitItem, Member

JANE_EMAIL = "jane.railey@example.com"
S = Claim.Status


def _photo_bytes():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (240, 240, 230)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    receipt = tmp_path / "kuitansi-klinik.pdf"
    receipt.write_bytes(TINY_PDF)
    photo = tmp_path / "resep.jpg"
    photo.write_bytes(_photo_bytes())
    lab = tmp_path / "hasil-lab.pdf"
    lab.write_bytes(TINY_PDF)
    return {"receipt": receipt, "photo": photo, "lab": lab}


@pytest.fixture
def people(transactional_db):
    """The demo policies, Jane registered with her Group membership, and a claims officer.

    Transactional tests flush the tables after each test, data-migration rows included:
    the claims reference data (document checklists, reason codes, holidays) is seeded again
    with the migration's own function.
    """
    importlib.import_module("satuklik.claims.migrations.0003_seed_reference_data").seed(django_apps, None)
    roles_setup()
    build_demo_policies(members=5)
    group = Member.objects.get(policy__number="12345678", participant_number="87654321")
    jane = UserFactory(
        member=group, username="JANERA0112", full_name="JANE RAILEY", email=JANE_EMAIL, preferred_language="en"
    )
    child = Member.objects.get(policy=group.policy, full_name="ALYA PUTRI WICAKSONO")
    officer = StaffUserFactory(username="klaim.officer")
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return jane, child, officer


def _badge(page):
    return page.locator("#claim-status")


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_jane_claims_for_her_child_and_follows_it_to_payment(
    page, people, files, sign_in, outbox, new_context, screenshot
):
    jane, child, officer = people
    gp = BenefitItem.objects.get(plan=child.plan, code="OP-GP")
    treated = timezone.localdate() - datetime.timedelta(days=3)
    sign_in(jane)

    # --- Jane: New Claim ---------------------------------------------------------------------
    page.goto("/")
    # The bottom bar on a phone, the top menu on a desktop.
    page.locator("nav a:visible", has_text="eClaim").first.click()
    expect(page).to_have_url(page.url.split("/claims/")[0] + "/claims/")
    page.get_by_role("link", name="New Claim").click()
    page.get_by_label("ALYA PUTRI WICAKSONO").check()
    page.get_by_label("Outpatient").check()
    page.get_by_role("button", name="Next").click()

    page.get_by_label("Treatment date").fill(treated.isoformat())
    # The total bill first; the split by item is folded and follows the total.
    page.get_by_label("Total bill (Rp)").fill("250.000")
    page.locator("#item-split summary").click()
    expect(page.locator(f"#id_amount_{gp.pk}")).to_have_value("250.000")
    page.get_by_label("Hospital or clinic", exact=True).fill("Klinik Anak Ceria")
    page.get_by_label("Diagnosis").fill("Radang tenggorokan (faringitis)")
    screenshot("claim-details")
    page.get_by_role("button", name="Save and continue").click()

    # A first bank account: confirmed with a code sent to Jane's e-mail.
    page.locator("#id_bank_code").select_option("014")
    page.get_by_label("Account number").fill("8880012345")
    page.get_by_label("Account holder name").fill("JANE RAILEY")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("******2345")).to_be_visible()
    page.get_by_label("Enter the 6-digit code").fill(outbox.newest_code(to=JANE_EMAIL))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    assert "New bank account for claim payments" in outbox.newest(to=JANE_EMAIL).subject

    # One control per checklist row: choosing the file uploads it at once (the phone's
    # picker offers the camera too: accept includes image/*).
    page.locator("#upload-RECEIPT").set_input_files(str(files["receipt"]))
    expect(page.locator("[data-requirement=RECEIPT]")).to_contain_text("kuitansi-klinik.pdf")
    assert "image/*" in page.locator("#upload-PRESCRIPTION").get_attribute("accept")
    page.locator("#upload-PRESCRIPTION").set_input_files(str(files["photo"]))
    expect(page.locator("[data-requirement=PRESCRIPTION]")).to_contain_text("resep.jpg")
    screenshot("claim-documents")

    page.get_by_role("link", name="Continue to review").click()
    expect(page.locator("#submit-problems")).to_have_count(0)
    expect(page.locator("[data-field=claimed]")).to_have_text("Rp 250.000")
    screenshot("claim-review")
    page.get_by_role("button", name="Submit Claim").click()

    claim = Claim.objects.get(member=child)
    expect(page.locator("#claim-number")).to_have_text(claim.number)
    assert claim.number.startswith("CLM-")
    expect(_badge(page)).to_have_text("Submitted")
    expect(page.locator(".flash")).to_contain_text(claim.number)
    screenshot("claim-submitted")

    # --- Officer: start the review and ask for a document --------------------------------------
    office = new_context()
    sign_in(officer, office)
    desk = office.new_page()
    desk.goto("/backoffice/claims/")
    desk.get_by_role("link", name=claim.number).click()
    desk.get_by_role("button", name="Start review").click()
    desk.get_by_label("Message to the member: which documents are needed").fill("Mohon unggah hasil laboratorium.")
    desk.get_by_role("button", name="Send the request").click()
    expect(desk.locator(".page-head .badge").first).to_have_text("Documents requested")

    # --- Jane uploads it on the same claim -------------------------------------------------------
    page.reload()
    expect(_badge(page)).to_have_text("Documents requested")
    expect(page.locator("#document-request")).to_contain_text("Mohon unggah hasil laboratorium.")
    page.locator("#requested-files").set_input_files(str(files["lab"]))
    page.get_by_role("button", name="Send documents").click()
    expect(_badge(page)).to_have_text("Submitted")
    assert ClaimDocument.objects.filter(claim=claim, document_request__isnull=False).count() == 1

    # --- Officer: partly approves with a reason, then pays -------------------------------------
    desk.reload()
    desk.get_by_role("button", name="Start review").click()
    desk.get_by_label(f"Approved for {gp.name}").fill("100.000")
    desk.get_by_label(f"Reason for {gp.name}").select_option("OFFICER_ADJUSTMENT")
    desk.get_by_label(f"Note for {gp.name}").fill("Sesuai tarif wajar.")
    desk.get_by_role("button", name="Approve", exact=True).click()
    expect(desk.locator(".page-head .badge").first).to_have_text("Partly approved")
    desk.get_by_label("Transfer reference").fill("BCA-TRF-0001")
    desk.get_by_role("button", name="Mark paid").click()
    expect(desk.locator(".page-head .badge").first).to_have_text("Paid")

    # --- Jane sees every step ------------------------------------------------------------------
    page.reload()
    expect(_badge(page)).to_have_text("Paid")
    steps = page.locator("#timeline li")
    expect(steps).to_have_count(7)
    assert [steps.nth(i).get_attribute("data-status") for i in range(7)] == [
        S.SUBMITTED,
        S.IN_REVIEW,
        S.DOCUMENTS_REQUESTED,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.PARTLY_APPROVED,
        S.PAID,
    ]
    expect(page.locator("#timeline")).to_contain_text("Mohon unggah hasil laboratorium.")
    expect(page.locator("[data-field=approved]")).to_have_text("Rp 100.000")
    expect(page.locator("[data-field=paid]")).to_contain_text("Rp 100.000")
    expect(page.get_by_role("link", name="Download the decision letter (PDF)")).to_be_visible()
    screenshot("claim-paid-timeline")

    # Every move was e-mailed to Jane; the newest in the outbox is the payment.
    mails = Message.objects.filter(recipient=JANE_EMAIL, template="claim_status").order_by("id")
    assert mails.count() == 7
    assert all(claim.number in mail.subject for mail in mails)
    newest = outbox.newest(to=JANE_EMAIL)
    assert claim.number in newest.subject and "Paid" in newest.subject

    # Her daughter's outpatient benefit counts the approved amount as used.
    usage = next(
        row
        for row in benefit_usage_for_member(member=child, on_date=timezone.localdate(), benefit_type="OUTPATIENT")
        if row.item.pk == gp.pk
    )
    assert usage.used_amount == 100_000
    page.goto(f"/policies/benefits/{child.pk}/OUTPATIENT/")
    item = page.locator("[data-item=OP-GP]")
    expect(item.locator("[data-field=used]")).to_have_text(format_rupiah(100_000))
    expect(item.locator("[data-field=remaining]")).to_have_text(format_rupiah(usage.remaining_amount))
    screenshot("claim-benefits-after")

    page.goto("/claims/")
    row = page.locator(f"[data-claim='{claim.pk}']")
    expect(row.locator("[data-field=status]")).to_have_text("Paid")
    expect(row.locator("[data-field=paid]")).to_have_text("Rp 100.000")
    screenshot("claim-list")


DOC_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("viewport", "locale"), [("phone", "id"), ("desktop", "en")], indirect=True)
def test_the_new_claim_steps_fit_a_phone_say_where_you_are_and_focus_the_first_field(
    page, people, files, sign_in, locale
):
    """Each step at 360 px (Indonesian) and 1280 px (English): no sideways scroll, "step n of
    m" shown, step 2 starts in its first field, the estimate as cards that fit the screen.
    SAVE_DOC_SCREENSHOTS=1 writes the steps to docs/screenshots/claim-new-*.png."""
    jane, child, _officer = people
    phone = page.viewport_size["width"] == 360
    if phone:
        page.set_viewport_size({"width": 360, "height": 780})
    width = page.viewport_size["width"]
    tag = f"{locale}-{width}"
    save = os.environ.get("SAVE_DOC_SCREENSHOTS") == "1"

    def shot(name):
        _no_sideways_scroll(page, width)
        if save:
            DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOC_SCREENSHOTS / f"claim-new-{name}-{tag}.png"), full_page=True)

    step_of = {"id": "Langkah {n} dari 5", "en": "Step {n} of 5"}[locale]
    sign_in(jane)
    page.goto("/claims/new/")
    expect(page.locator("#step-of")).to_contain_text(step_of.format(n=1))
    types = page.locator("input[name=benefit_type]")
    assert types.first.get_attribute("value") == "OUTPATIENT"
    shot("1-participant")
    page.locator(f"input[name=participant][value='{child.pk}']").check()
    page.locator("input[name=benefit_type][value=OUTPATIENT]").check()
    page.locator("form.card button[type=submit]").click()

    expect(page.locator("#step-of")).to_contain_text(step_of.format(n=2))
    assert page.evaluate("document.activeElement.id") == "id_treatment_date"
    gp = BenefitItem.objects.get(plan=child.plan, code="OP-GP")
    page.locator("#id_treatment_date").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.locator("#id_total").fill("250.000")
    page.locator("#item-split summary").click()
    expect(page.locator(f"#id_amount_{gp.pk}")).to_have_value("250.000")
    page.locator("#id_provider_name").fill("Klinik Anak Ceria")
    page.locator("#id_diagnosis").fill("Radang tenggorokan")
    shot("2-details")
    page.locator("#details-form > button.button.block").click()

    expect(page.locator("#step-of")).to_contain_text(step_of.format(n=3))
    shot("3-bank")
    claim = Claim.objects.get(member=child)
    page.goto(f"/claims/{claim.pk}/edit/documents/")
    expect(page.locator("#step-of")).to_contain_text(step_of.format(n=4))
    # One control per row, no raw "Choose File" under it; the keyboard reaches it and opens
    # the picker; choosing a file uploads it at once.
    receipt = page.locator("#upload-RECEIPT")
    assert receipt.bounding_box()["width"] <= 1 and page.locator(".row-submit:visible").count() == 0
    receipt.focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(str(files["receipt"]))
    expect(page.locator("[data-requirement=RECEIPT]")).to_contain_text("kuitansi-klinik.pdf")
    shot("4-documents")
    page.goto(f"/claims/{claim.pk}/review/")
    expect(page.locator("#step-of")).to_contain_text(step_of.format(n=5))
    cards = page.locator(".estimate-card")
    expect(cards).to_have_count(2)  # the item and the total
    labels = {"id": ("Dibayar plan (perkiraan)", "Anda tanggung"), "en": ("Plan pays (estimate)", "You bear")}
    for label in labels[locale]:
        expect(cards.last).to_contain_text(label)
    for index in range(cards.count()):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        for value in cards.nth(index).locator("dd").all():
            value_box = value.bounding_box()
            assert value_box["x"] + value_box["width"] <= box["x"] + box["width"]  # never cut off
    if phone:  # stacked: one card above the other
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert second["y"] >= first["y"] + first["height"]
    shot("5-review")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_row_upload_works_without_javascript_as_a_plain_form(people, files, sign_in, new_context):
    jane, child, _officer = people
    from satuklik.claims import services

    claim = services.claim_draft_create(user=jane, member=child, benefit_type="OUTPATIENT")
    context = new_context(java_script_enabled=False)
    sign_in(jane, context)
    page = context.new_page()
    page.goto(f"/claims/{claim.pk}/edit/documents/")
    row = page.locator("[data-requirement=RECEIPT]")
    expect(row.locator("input[type=file]")).to_be_visible()  # plain input and its Send button
    row.locator("input[type=file]").set_input_files(str(files["receipt"]))
    row.locator(".row-submit").click()
    expect(page.locator("[data-requirement=RECEIPT]")).to_contain_text("kuitansi-klinik.pdf")
    _no_sideways_scroll(page, 360)

"""Jane's policies in Chromium: linking her Individu policy (SMS code, approved by customer
service in the TOTP-protected back office) and her DPLK membership (e-mail code), switching
between the three, member information, benefits, the eCard with its downloads and the
verification page a hospital opens from the card's QR code; the card offline."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuklik.accounts.management.commands.staff_totp_setup import current_code, demo_device_for
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import StaffUserFactory, UserFactory
from satuklik.claims.models import Claim, ClaimItem
from satuklik.core.roles import CUSTOMER_SERVICE, roles_setup
from satuklik.demo.policies import build_demo_policies
from satuklik.policies.models import BenefitItem, Member

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
JANE_MOBILE = "+6281234567890"
JANE_EMAIL = "jane.railey@example.com"


@pytest.fixture
def jane(transactional_db):
    """The demo data set (seed personas), and Jane registered with her Group membership only."""
    build_demo_policies(members=5)
    group = Member.objects.get(policy__number="12345678", participant_number="87654321")
    user = UserFactory(
        member=group, username="JANERA0112", full_name="JANE RAILEY", email=JANE_EMAIL, preferred_language="en"
    )
    # One paid outpatient claim this policy year: the benefits page shows it as used.
    item = BenefitItem.objects.filter(plan=group.plan, benefit_type="OUTPATIENT").order_by("sort_order", "id").first()
    claim = Claim.objects.create(
        number="CLM-E2E-000001",
        member=group,
        benefit_type="OUTPATIENT",
        status=Claim.Status.PAID,
        treatment_date=timezone.localdate() - datetime.timedelta(days=1),
        submitted_at=timezone.now(),
    )
    ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=120_000, amount_approved=100_000)
    return user, group, item


def customer_service_approves(new_context, settings, link_label):
    """A customer-service officer signs in to the back office with password and TOTP code and approves."""
    roles_setup()
    officer = StaffUserFactory(username="layanan", raw_password="Layanan-Pass-2026!")
    officer.groups.add(*officer.groups.model.objects.filter(name=CUSTOMER_SERVICE))
    device = demo_device_for(officer)
    staff = new_context().new_page()
    staff.goto("/admin/login/")
    # One form, one step: username, password and the authenticator code.
    staff.fill("#id_username", "layanan")
    staff.fill("#id_password", "Layanan-Pass-2026!")
    staff.fill("#id_otp_token", current_code(device))
    staff.locator("#login-form [type=submit]").click()
    staff.wait_for_url("**/admin/")
    staff.goto("/admin/accounts/policylink/?status__exact=PENDING")
    row = staff.locator("#result_list tbody tr", has_text=link_label)
    row.locator("input.action-select").check()
    staff.select_option("select[name=action]", "approve")
    staff.locator("button[name=index]").click()
    staff.wait_for_selector(".messagelist .success")
    staff.close()


def open_menu(page):
    page.goto("/")
    # With several policies it is the dropdown's selected <option>, with one a line of text.
    page.wait_for_selector("[data-testid=selected-policy]", state="attached")


def switch_to(page, label):
    page.select_option("#id_link", label=label)
    # htmx posts on change and redirects; without JavaScript the button does the same.
    page.wait_for_function(
        "label => document.querySelector('[data-testid=selected-policy]').textContent.trim() === label", arg=label
    )


def fits_the_screen(page):
    """Nothing wider than the viewport: no sideways scrolling on a 360 px phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tiles(page):
    return page.locator(".tiles .tile").evaluate_all("tiles => tiles.map(t => [t.dataset.tile, t.tagName === 'A'])")


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_jane_links_switches_and_uses_her_ecard(page, jane, sign_in, outbox, new_context, settings, screenshot):
    user, group, outpatient = jane
    sign_in(user)
    open_menu(page)
    assert page.locator("h1").inner_text() == "Hello, JANE RAILEY"
    assert page.locator("[data-testid=selected-policy]").inner_text() == "12345678 (Group)"

    # --- Individu by SMS: an access request -------------------------------------------
    page.get_by_role("link", name="Add a policy").click()
    page.get_by_label("Individual").check()
    page.get_by_role("button", name="Next").click()
    page.fill("#id_policy_number", "00056789")
    page.fill("#id_date_of_birth", "01/12/1990")
    page.fill("#id_contact", JANE_EMAIL)
    page.get_by_role("button", name="Link policy").click()
    page.get_by_label("SMS").check()
    page.get_by_role("button", name="Send the code").click()
    page.fill("#id_code", outbox.newest_code(to=JANE_MOBILE))
    page.locator("#otp-submit").click()
    assert page.locator("[data-testid=link-result]").inner_text() == "Your policy access request will be processed."
    page.get_by_role("link", name="Back to the main menu").click()
    assert "00056789 (Individual)" in page.locator("[data-testid=pending-link]").inner_text()
    screenshot("policies-pending")

    customer_service_approves(new_context, settings, "00056789")
    assert PolicyLink.objects.get(member__policy__number="00056789").status == PolicyLink.Status.ACTIVE
    approved = outbox.newest(to=JANE_EMAIL)
    assert "approved" in approved.subject.lower()
    open_menu(page)
    assert page.locator("[data-testid=pending-link]").count() == 0
    assert "00056789 (Individual)" in page.locator("#id_link").inner_text()

    # --- DPLK by e-mail: linked at once ------------------------------------------------
    page.get_by_role("link", name="Add a policy").click()
    page.get_by_label("DPLK").check()
    page.get_by_role("button", name="Next").click()
    page.fill("#id_participant_number", "00012345")
    page.fill("#id_date_of_birth", "01/12/1990")
    page.fill("#id_contact", JANE_MOBILE)
    page.get_by_role("button", name="Link membership").click()
    page.get_by_label("E-mail").check()
    page.get_by_role("button", name="Send the code").click()
    page.fill("#id_code", outbox.newest_code(to=JANE_EMAIL))
    page.locator("#otp-submit").click()
    assert page.locator("[data-testid=link-result]").inner_text() == (
        "Your policy/membership is now linked to your username."
    )
    assert "00012345 (DPLK) is now in the list" in page.locator("[data-testid=link-where]").inner_text()
    page.get_by_role("link", name="Back to the main menu").click()

    # --- switching: linking DPLK kept the policy she was on; the tiles follow the selected one
    assert page.locator("[data-testid=selected-policy]").inner_text() == "00056789 (Individual)"
    switch_to(page, "00012345 (DPLK)")
    assert tiles(page) == [["policies-dplk", True], ["policies-members", True]]
    screenshot("policies-dplk-menu")
    switch_to(page, "00056789 (Individual)")
    assert tiles(page) == [["policies-individual", True], ["policies-members", True]]
    switch_to(page, "12345678 (Group)")
    group_tiles = dict(tiles(page))
    assert group_tiles["claims-list"] and group_tiles["cards-list"] and group_tiles["policies-benefits"]
    assert group_tiles["providers-search"] and "telemedicine-home" in group_tiles
    screenshot("policies-group-menu")
    assert fits_the_screen(page)
    # Remembered: a new visit opens on the Group policy.
    open_menu(page)
    assert page.locator("[data-testid=selected-policy]").inner_text() == "12345678 (Group)"

    # --- member information and benefits -------------------------------------------------
    page.locator("[data-tile=policies-members]").click()
    assert "JANE RAILEY" in page.locator("[data-field=name]").inner_text()
    assert page.locator("[data-testid=dependent]").count() == group.dependents.count() == 3
    screenshot("policies-members")
    open_menu(page)
    page.locator("[data-tile=policies-benefits]").click()
    page.locator("[data-testid=benefit-participant]", has_text="JANE RAILEY").click()
    page.locator("[data-benefit-type=OUTPATIENT]").click()
    row = page.locator(f"[data-item='{outpatient.code}']")
    assert row.locator("[data-field=used]").inner_text() == "Rp 100.000"
    remaining = row.locator("[data-field=remaining]").inner_text()
    assert remaining.startswith("Rp ")
    screenshot("policies-benefits-outpatient")
    assert fits_the_screen(page)

    # --- the eCard: activate, download, verify from the QR ------------------------------
    open_menu(page)
    page.locator("[data-tile=cards-list]").click()
    page.locator("[data-participant='87654321']").wait_for()
    page.locator("[data-testid=activate]").first.click()
    assert "The eCard is active" in page.locator(".flash-list, [role=status]").first.inner_text()
    assert page.locator(".ecard-qr svg").count() == 1
    screenshot("policies-ecard")
    assert fits_the_screen(page)
    # The scanning view: the code alone, large, on white; Escape gives the page back.
    page.locator("[data-testid=show-qr]").click()
    scan = page.locator("#qr-scan svg")
    expect(scan).to_be_visible()
    assert scan.bounding_box()["width"] >= 0.55 * page.viewport_size["width"]
    screenshot("policies-ecard-scan", full_page=False)
    page.keyboard.press("Escape")
    expect(scan).to_be_hidden()
    with page.expect_download() as png:
        page.locator("[data-testid=download-png]").click()
    assert png.value.suggested_filename == "ecard-87654321.png"
    with open(png.value.path(), "rb") as downloaded:
        assert downloaded.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as pdf:
        page.locator("[data-testid=download-pdf]").click()
    assert pdf.value.suggested_filename == "ecard-87654321.pdf"
    with open(pdf.value.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"

    verify_url = page.locator(".ecard-qr").get_attribute("data-verify-url")
    assert re.search(r"/verify/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", verify_url)
    hospital = new_context(viewport={"width": 1280, "height": 800}).new_page()  # a hospital's desk, not signed in
    hospital.goto(verify_url)
    assert hospital.locator("[data-testid=verdict]").inner_text() == "VALID"
    assert "JANE RAILEY" in hospital.content()
    screenshot("policies-verify-valid", target=hospital)

    # Her coverage ends: the same QR code now says not active.
    Member.objects.filter(pk=group.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    hospital.reload()
    assert hospital.locator("[data-testid=verdict]").inner_text() == "NOT VALID"
    assert "not active" in hospital.locator("[data-testid=verdict-reason]").inner_text()
    screenshot("policies-verify-ended", target=hospital)


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["id"], indirect=True)
@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_card_stays_viewable_offline(new_context, jane, sign_in):
    from satuklik.cards.services import card_activate

    user, group, _item = jane
    card_activate(member=group, by=user)
    context = new_context(service_workers="allow")
    sign_in(user, context)
    page = context.new_page()
    page.goto("/")
    page.screenshot(path=str(SCREENSHOTS / "policies-menu-desktop-id.png"), full_page=True)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto("/cards/")
    page.locator(".ecard-qr svg").first.wait_for()
    # The service worker keeps its copy once the response is in.
    page.wait_for_function(
        "async () => { for (const key of await caches.keys()) {"
        " if (await (await caches.open(key)).match('/cards/')) return true; } return false; }"
    )
    context.set_offline(True)
    page.reload()
    assert page.locator(".ecard-qr svg").count() == 1
    assert "JANE RAILEY" in page.locator(".ecard").first.inner_text()
    assert "87654321" in page.locator(".ecard").first.inner_text()


def _janes_card_kept_offline(new_context, jane, sign_in):
    """Jane's eCard, activated, seen once with the service worker on: kept for offline use."""
    from satuklik.cards.services import card_activate

    user, group, _item = jane
    card_activate(member=group, by=user)
    context = new_context(service_workers="allow")
    sign_in(user, context)
    page = context.new_page()
    page.goto("/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto("/cards/")
    page.locator(".ecard-qr svg").first.wait_for()
    page.wait_for_function(
        "async () => { for (const key of await caches.keys()) {"
        " if (await (await caches.open(key)).match('/cards/')) return true; } return false; }"
    )
    return context, page


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_after_logout_the_card_is_not_readable_offline(new_context, jane, sign_in):
    from playwright.sync_api import Error as PlaywrightError

    context, page = _janes_card_kept_offline(new_context, jane, sign_in)
    page.goto("/accounts/profile/")
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")
    # Clear-Site-Data emptied the caches: nothing of Jane's is left on the device.
    page.wait_for_function(
        "async () => { for (const key of await caches.keys()) {"
        " if (await (await caches.open(key)).match('/cards/')) return false; } return true; }"
    )
    context.set_offline(True)
    try:
        page.goto("/cards/")
    except PlaywrightError as error:
        # The service worker went with the site's storage: the browser's own offline error.
        assert "ERR_INTERNET_DISCONNECTED" in str(error)
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    assert "JANE RAILEY" not in text and "87654321" not in text
    assert page.locator(".ecard").count() == 0


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["en"], indirect=True)
@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_card_kept_offline_is_never_shown_to_the_next_person_on_the_device(new_context, jane, sign_in):
    context, page = _janes_card_kept_offline(new_context, jane, sign_in)
    # Jane's session ends without a logout (expired, cookies cleared); Hendra signs in.
    context.clear_cookies()
    sign_in(UserFactory(username="HENDRA0303", full_name="HENDRA GUNAWAN"), context)
    page.goto("/")
    page.wait_for_function(
        "async () => { for (const key of await caches.keys()) {"
        " if (await (await caches.open(key)).match('/cards/')) return false; } return true; }"
    )
    context.set_offline(True)
    page.goto("/cards/")
    assert "JANE RAILEY" not in page.content() and "87654321" not in page.content()


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [({"width": 360, "height": 780}, "id"), ({"width": 1280, "height": 800}, "en")],
    indirect=True,
    ids=["phone-id", "desktop-en"],
)
def test_benefits_summary_then_items_fit_the_screen(page, jane, sign_in, screenshot, locale):
    """The benefit type's summary (yearly limit, used, remaining, a bar) comes first, then the items
    in full-width rows; nothing is wider than the screen, no value is squeezed into a narrow column."""
    user, group, _ = jane
    sign_in(user)
    page.goto(f"/policies/benefits/{group.pk}/")
    summaries = page.locator(".benefit-summary")
    expect(summaries).to_have_count(5)
    expect(summaries.first.locator("meter")).to_be_visible()
    screenshot("benefit-types")
    page.goto(f"/policies/benefits/{group.pk}/INPATIENT/")
    summary = page.get_by_test_id("benefit-summary")
    expect(summary).to_contain_text("Rawat Inap tahun polis ini" if locale == "id" else "Inpatient this policy year")
    assert summary.bounding_box()["y"] < page.locator(".benefit-item").first.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Every value is right-aligned in a row as wide as its card, or drops under its label: never
    # a column narrower than half the card.
    for row in page.locator(".benefit-item .benefit-rows > div").all():
        row_box, value_box = row.bounding_box(), row.locator("dd").bounding_box()
        assert value_box["x"] + value_box["width"] <= row_box["x"] + row_box["width"] + 1
        assert value_box["width"] >= row_box["width"] / 2 or value_box["x"] > row_box["x"] + row_box["width"] / 3
    screenshot("benefits")

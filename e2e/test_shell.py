"""Journeys through the app shell: home page, language, outbox, Need Help, offline."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from satuklik.notifications.tests.factories import InboxItemFactory, UserFactory

HEADINGS = {"id": "Selamat datang di Satuklik", "en": "Welcome to Satuklik"}


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
def test_home_page(page, screenshot, locale, viewport):
    page.goto("/")

    assert page.locator("html").get_attribute("lang") == locale
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[locale]
    bottom_bar = page.locator("nav.bottomnav")
    top_menu = page.locator("nav.topnav")
    # A visitor has no bottom bar on a phone (it is the signed-in app's), and the top menu
    # only on a wide screen.
    assert not bottom_bar.is_visible()
    assert top_menu.is_visible() == (viewport["width"] >= 768)
    if viewport["width"] >= 768:
        assert top_menu.locator('[aria-current="page"]').get_attribute("href") == "/"
    # Nothing sticks out sideways, even at 360 px.
    assert scroll_width(page) <= viewport["width"]
    screenshot("home")


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_language_switch_works_and_is_remembered(page, viewport):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["id"]

    page.get_by_role("button", name="English").click()

    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["en"]
    # Remembered: a later visit in the same browser is in English too.
    page.goto("/offline/")
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"

    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    assert page.get_by_role("heading", level=1).inner_text() == "Anda sedang offline"


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_outbox_shows_a_message_sent_by_the_app(page, outbox, screenshot, viewport):
    call_command("send_test_message", "jane.railey@example.com", stdout=StringIO())
    call_command("send_test_message", "+6281234567890", "--sms", "--language", "en", stdout=StringIO())

    page.goto("/outbox/")
    items = page.locator(".outbox .list-item")
    assert items.count() == 2
    # Newest first: the SMS came second.
    assert "Satuklik: test SMS. Delivery works." in items.nth(0).inner_text()
    assert "Pesan uji dari Satuklik" in items.nth(1).inner_text()
    assert scroll_width(page) <= viewport["width"]
    screenshot("outbox")

    message = outbox.newest(to="jane.railey@example.com")
    assert message.subject == "Pesan uji dari Satuklik"
    assert message.recipient == "jane.railey@example.com"
    assert "Ini pesan uji dari Satuklik." in message.body

    items.nth(1).locator("a").click()
    assert scroll_width(page) <= viewport["width"]
    screenshot("outbox-message")


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_need_help_shows_the_contacts_and_works_with_the_keyboard(page, screenshot, settings):
    page.goto("/")
    dialog = page.get_by_role("dialog")
    assert not dialog.is_visible()

    # Keyboard only: focus the button, open with Enter.
    help_button = page.locator("button.help-open")
    help_button.focus()
    page.keyboard.press("Enter")

    assert dialog.is_visible()
    assert dialog.get_attribute("aria-labelledby") == "need-help-title"
    assert page.get_by_role("heading", name="Butuh Bantuan?").is_visible()
    assert dialog.get_by_role("link", name=settings.BRAND["CALL_CENTER"]).get_attribute("href") == "tel:1500123"
    assert dialog.get_by_role("link", name=settings.BRAND["CARE_EMAIL"]).is_visible()
    with translation.override("id"):  # the brand default is a translated message
        assert str(settings.BRAND["OFFICE_HOURS"]) in dialog.inner_text()
    # Focus moved into the dialog, and Tab never reaches the page behind it (modal: the
    # page is inert; after the last control focus may go to the browser's own UI).
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.activeElement === document.body || document.activeElement.closest('dialog') !== null"
        )
    screenshot("need-help", full_page=False)

    page.keyboard.press("Escape")

    assert not dialog.is_visible()
    # Focus is back on the button that opened it.
    assert page.evaluate("document.activeElement.classList.contains('help-open')")

    # The Close button closes it too.
    page.keyboard.press("Enter")
    assert dialog.is_visible()
    dialog.get_by_role("button", name="Tutup").last.click()
    assert not dialog.is_visible()


@pytest.mark.e2e
def test_keyboard_users_can_skip_to_the_content_and_see_where_they_are(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke konten")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()  # shown when focused
    # The focused element has a visible outline.
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
def test_signed_in_members_see_their_notifications(page, sign_in, screenshot, locale):
    jane = UserFactory(full_name="JANE RAILEY", preferred_language=locale)
    InboxItemFactory(user=jane, title="Klaim 001 disetujui", body="Klaim rawat jalan Anda telah disetujui.")
    InboxItemFactory(user=jane, title="eCard aktif", body="eCard Anda sudah aktif.")
    sign_in(jane)

    page.goto("/notifications/")
    bell = page.locator(".topbar a[data-unread]")
    assert bell.get_attribute("data-unread") == "2"
    screenshot("notifications")

    page.get_by_role("link", name=re.compile("eCard aktif")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "eCard aktif"
    assert bell.get_attribute("data-unread") == "1"

    page.goto("/notifications/")
    page.get_by_role("button", name={"id": "Tandai semua sudah dibaca", "en": "Mark all as read"}[locale]).click()
    assert bell.get_attribute("data-unread") == "0"


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_missing_page_looks_like_the_app(page, screenshot):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Halaman tidak ditemukan"
    page.get_by_role("link", name="Kembali ke Menu Utama").click()
    page.wait_for_url("**/")
    screenshot("after-404")


@pytest.mark.e2e
def test_the_app_installs_a_service_worker_and_shows_the_offline_page(new_context):
    context = new_context(service_workers="allow")
    page = context.new_page()
    page.goto("/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=10_000
    )
    manifest_href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest_href == "/manifest.webmanifest"

    context.set_offline(True)
    page.goto("/providers/")

    assert page.get_by_role("heading", level=1).inner_text() == "Anda sedang offline"
    # The cached shell still styles it.
    assert page.locator(".topbar").evaluate("element => getComputedStyle(element).position") == "sticky"


FIRE_INSTALL_PROMPT = """() => {
  // What Chromium on Android fires when the app can be installed (headless never does).
  const event = new Event("beforeinstallprompt", { cancelable: true });
  event.prompt = () => { window.installPrompted = true; };
  event.userChoice = Promise.resolve({ outcome: "accepted" });
  window.dispatchEvent(event);
}"""


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_home_page_offers_to_install_the_app_and_remembers_not_now(page, screenshot):
    page.goto("/")
    prompt = page.locator("[data-install-prompt]")
    expect(prompt).to_be_hidden()  # nothing to offer until the browser says it can install
    page.evaluate(FIRE_INSTALL_PROMPT)
    expect(prompt).to_be_visible()
    screenshot("install-prompt")
    page.get_by_role("button", name="Pasang").click()
    assert page.evaluate("() => window.installPrompted === true")
    expect(prompt).to_be_hidden()

    page.reload()
    page.evaluate(FIRE_INSTALL_PROMPT)
    page.get_by_role("button", name="Nanti saja").click()
    page.reload()
    page.evaluate(FIRE_INSTALL_PROMPT)
    expect(prompt).to_be_hidden()


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_an_iphone_gets_the_steps_to_add_the_app_to_its_home_screen(new_context):
    page = new_context(user_agent=IPHONE).new_page()
    page.goto("/")
    expect(page.get_by_text("tap Share in Safari, then Add to Home Screen")).to_be_visible()
    expect(page.get_by_role("button", name="Install", exact=True)).to_be_hidden()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_signed_in_member_has_the_bottom_bar_on_a_phone(page, sign_in):
    sign_in(UserFactory(full_name="JANE RAILEY"))
    page.goto("/notifications/")
    bottom_bar = page.locator("nav.bottomnav")
    expect(bottom_bar).to_be_visible()
    assert bottom_bar.locator("a").first.get_attribute("href") == "/"

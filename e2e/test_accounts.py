"""JANE RAILEY registers with her group data, logs out and in, and resets her password
("Lupa Password"), in Indonesian and in English, as in the first seed document."""

import datetime

import pytest

from satuklik.policies.tests.factories import MemberFactory, PolicyFactory

EMAIL = "jane.railey@example.com"
PASSWORD = "kopi tubruk pagi hari"
NEW_PASSWORD = "nasi goreng kambing pedas"
CONGRATULATIONS = {"en": "Congratulations!", "id": "Selamat!"}


@pytest.fixture
def jane(transactional_db, settings):
    # Argon2 with tiny costs: the journey hashes a few passwords; the production
    # parameters would add seconds without testing anything more.
    settings.PASSWORD_HASHERS = ["satuklik.accounts.tests.hashers.FastArgon2PasswordHasher"]
    policy = PolicyFactory(number="12345678", start_date=datetime.date(2019, 1, 1), end_date=None)
    return MemberFactory(
        policy=policy,
        participant_number="87654321",
        full_name="JANE RAILEY",
        date_of_birth=datetime.date(1990, 12, 1),
        email=EMAIL,
        mobile="+6281234567890",
        start_date=datetime.date(2019, 3, 1),
    )


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url("**/")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
def test_jane_registers_logs_in_and_resets_her_password(page, jane, outbox, screenshot, locale):
    # Register: policy type Group, her card's data.
    page.goto("/")
    page.click('a[href="/accounts/register/"]')
    page.click("#register-type-group")
    page.fill("#id_policy_number", "12345678")
    page.fill("#id_participant_number", "87654321")
    page.fill("#id_date_of_birth", "01/12/1990")
    page.fill("#id_email", EMAIL)
    page.click("#register-submit")

    # EULA, then the code goes to her registered e-mail at once.
    page.check("#id_accept")
    page.click("#eula-accept")
    page.wait_for_url("**/register/verify/")
    assert "ja***@e***.com" in page.locator("#otp-status").inner_text()
    assert page.locator("[data-otp-countdown]").inner_text() in {"2:00", "1:59", "1:58"}
    assert page.locator("#otp-resend").is_disabled()  # 60 s cooldown
    screenshot("register-otp")
    page.fill("#id_code", outbox.newest_code(to=EMAIL))
    page.click("#otp-submit")

    # The generated username, also e-mailed to her.
    page.wait_for_url("**/register/username/")
    assert page.locator("#username").inner_text() == "JANERA0112"
    assert "JANERA0112" in outbox.newest(to=EMAIL).body
    page.click("#create-password")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#password-submit")
    page.wait_for_url("**/register/done/")
    assert page.get_by_role("heading", level=1).inner_text() == CONGRATULATIONS[locale]
    screenshot("register-done")
    page.click("#main-menu")
    page.wait_for_url("**/")
    assert "JANE RAILEY" in page.get_by_role("heading", level=1).inner_text()

    # Log out (profile page) and back in, the username typed in lower case.
    page.goto("/accounts/profile/")
    assert "JANERA0112" in page.locator("#profile-usernames").inner_text()
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")
    log_in(page, "janera0112", PASSWORD)
    assert "JANE RAILEY" in page.get_by_role("heading", level=1).inner_text()

    # Forgot password: username, code by e-mail, new password twice, back to login.
    page.goto("/accounts/profile/")
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")
    page.click("#forgot-password-link")
    page.fill("#id_username", "JANERA0112")
    page.click("#reset-submit")
    page.wait_for_url("**/password-reset/verify/")
    page.fill("#id_code", outbox.newest_code(to=EMAIL))
    page.click("#otp-submit")
    page.wait_for_url("**/password-reset/password/")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("#password-submit")
    page.wait_for_url("**/password-reset/done/")
    assert page.get_by_role("heading", level=1).inner_text() == CONGRATULATIONS[locale]
    page.click("#back-to-login")
    page.fill("#id_username", "JANERA0112")
    page.fill("#id_password", PASSWORD)  # the old password no longer works
    page.click("#login-submit")
    assert page.locator("#login-error").is_visible()
    log_in(page, "JANERA0112", NEW_PASSWORD)
    assert "JANE RAILEY" in page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize("locale", ["en"], indirect=True)
def test_wrong_data_gets_the_neutral_message_and_no_code(page, jane, outbox):
    page.goto("/accounts/register/group/")
    page.fill("#id_policy_number", "12345678")
    page.fill("#id_participant_number", "87654321")
    page.fill("#id_date_of_birth", "02/12/1990")
    page.fill("#id_email", EMAIL)
    page.click("#register-submit")
    assert "does not match our records" in page.locator("#register-error").inner_text()
    with pytest.raises(AssertionError):
        outbox.newest(to=EMAIL)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_password_can_be_shown_to_check_it_and_is_sent_hidden(page, screenshot):
    page.goto("/accounts/login/")
    password = page.locator("#id_password")
    password.fill("Rahasia-2026!")
    toggle = page.get_by_role("button", name="Tampilkan")
    toggle.click()
    assert password.get_attribute("type") == "text"
    screenshot("password-shown")
    page.get_by_role("button", name="Sembunyikan").click()
    assert password.get_attribute("type") == "password"
    toggle.press("Enter")  # by keyboard too
    assert password.get_attribute("type") == "text"
    page.fill("#id_username", "NOBODY0101")
    password.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#id_password").get_attribute("type") == "password"

"""The embedded default as `scripts/run` serves it: two gunicorn workers, SQLite, no Redis
(issue 10.2). A member signs in and out in Chromium; afterwards the old session cookie
opens nothing on either worker (each answer names its worker in X-Served-By)."""

from playwright.sync_api import expect

from e2e.conftest import TIMEOUT_MS, VIEWPORTS

PASSWORD = "correct horse battery staple"  # factories.DEFAULT_PASSWORD


def test_a_sign_out_in_the_browser_ends_the_session_on_both_workers(browser, two_worker_server, settings):
    server = two_worker_server
    server.shell("from satuklik.accounts.tests.factories import UserFactory; UserFactory(username='JANERA0112')")
    context = browser.new_context(base_url=server.url, viewport=VIEWPORTS["phone"], locale="id")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "JANERA0112")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server.url + "/")
    session = {c["name"]: c["value"] for c in context.cookies()}[settings.SESSION_COOKIE_NAME]
    profile = "/accounts/profile/"
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    # Signed in: both workers know the session.
    before = server.until_both_workers(lambda: server.get(profile, headers=cookie))
    assert {answer.status_code for answer in before} == {200}
    assert all('id="profile-usernames">JANERA0112<' in answer.text for answer in before)

    page.goto(profile)
    page.click("#logout")
    expect(page.locator("#login-submit")).to_be_visible()
    # The same cookie, replayed: every worker sends it to the login page, no member data.
    after = server.until_both_workers(lambda: server.get(profile, headers=cookie))
    assert {answer.status_code for answer in after} == {302}
    assert all("/accounts/login/" in answer.headers["Location"] for answer in after)
    page.goto(profile)
    expect(page.locator("#login-submit")).to_be_visible()
    context.close()


def test_wrong_passwords_in_the_browser_lock_the_username_on_both_workers(browser, two_worker_server):
    from satuklik.accounts import throttle

    server = two_worker_server
    server.shell("from satuklik.accounts.tests.factories import UserFactory; UserFactory(username='BUDISA0203')")
    context = browser.new_context(base_url=server.url, viewport=VIEWPORTS["desktop"], locale="en")
    context.set_default_timeout(TIMEOUT_MS * 3)
    page = context.new_page()
    for _ in range(throttle.LOCK_AFTER):
        page.goto("/accounts/login/")
        page.fill("#id_username", "BUDISA0203")
        page.fill("#id_password", "not the password")
        page.click("#login-submit")
        expect(page.locator("#login-submit")).to_be_visible()
    # The browser's tries may all have reached one worker: the lock holds on both.
    login = {"username": "BUDISA0203", "password": PASSWORD, "device_name": "test"}
    refused = server.until_both_workers(lambda: server.post("/api/v1/auth/login", json=login))
    assert {answer.status_code for answer in refused} == {429}
    context.close()

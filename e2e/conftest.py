"""Fixtures for the end-to-end journeys: Debian's Chromium driven by Playwright.

One browser per test session (starting Chromium is the slow part), a fresh browser
context per test (cookies, storage and service workers never leak between tests),
the app served by pytest-django's ``live_server``.

    @pytest.mark.e2e
    @pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
    @pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
    def test_something(page, outbox, screenshot):
        page.goto("/")                      # relative to the live server
        screenshot("home")                  # -> screenshots/home-<test id>.png
        message = outbox.newest(to="jane@example.com")
        code = outbox.newest_code(to="jane@example.com")

A failing test leaves a full-page screenshot in screenshots/ (gitignored).
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls
# from a thread with a running loop unless told it is safe (it is: nothing else
# shares the loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
# Fail fast: a page of this app answers in milliseconds, 10 s means it never will.
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "10000"))


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_js_errors: the page may throw uncaught JavaScript errors")


def pytest_collection_modifyitems(config, items):
    # Everything under e2e/ is an end-to-end test, marked or not (so `-m "not e2e"` works).
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows if the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:150]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport(request):
    """Window size: parametrize with ``indirect=True`` and "phone" (360x740), "desktop" (1280x800)
    or a {"width": ..., "height": ...} dict. Default: desktop."""
    value = getattr(request, "param", "desktop")
    return VIEWPORTS[value] if isinstance(value, str) else value


@pytest.fixture
def locale(request):
    """Browser language (sent as Accept-Language); parametrize with ``indirect=True``. Default: id."""
    return getattr(request, "param", "id")


@pytest.fixture
def context_options():
    """Extra options for ``browser.new_context``; override the fixture in a module to change them.

    Service workers are blocked by default so a cached page never hides a server change
    between steps of a journey; the PWA test turns them back on.
    """
    return {"service_workers": "block"}


@pytest.fixture
def new_context(browser, live_server, viewport, locale, context_options):
    """Factory for extra browser contexts (a second user, a second device) closed after the test."""
    contexts = []

    def make(**overrides):
        options = {
            "base_url": live_server.url,
            "viewport": viewport,
            "locale": locale,
            "extra_http_headers": {"Accept-Language": locale},
            **context_options,
            **overrides,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context, request):
    page = context.new_page()
    js_errors = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    yield page
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed and not page.is_closed():
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"FAILED-{_slug(request.node.nodeid)}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"\nscreenshot of the failure: {path}")
        except Exception as exc:  # noqa: BLE001 - a broken page must not hide the real failure
            print(f"\nno screenshot ({exc.__class__.__name__})")
    if js_errors and not failed and request.node.get_closest_marker("allow_js_errors") is None:
        pytest.fail(f"uncaught JavaScript errors on the page: {js_errors}")


@pytest.fixture
def screenshot(page, request):
    """``screenshot("home")`` saves screenshots/home-<test id>.png (full page) and returns its path."""

    def take(name, *, target=None, full_page=True):
        SCREENSHOTS.mkdir(exist_ok=True)
        test_id = request.node.callspec.id if hasattr(request.node, "callspec") else request.node.name
        path = SCREENSHOTS / f"{_slug(name)}-{_slug(test_id)}.png"
        (target or page).screenshot(path=str(path), full_page=full_page)
        return path

    return take


@dataclass
class OutboxMessage:
    subject: str
    recipient: str
    body: str


class Outbox:
    """Reads the demo outbox through its pages, as a visitor would, in a tab of its own."""

    def __init__(self, context):
        self.context = context

    def newest(self, *, to=None):
        tab = self.context.new_page()
        try:
            tab.goto("/outbox/")
            items = tab.locator(".outbox .list-item")
            if to is not None:
                items = items.filter(has_text=to)
            if items.count() == 0:
                raise AssertionError(f"no message in the outbox{' for ' + to if to else ''}")
            items.first.locator("a").click()
            tab.wait_for_selector(".outbox-message")
            return OutboxMessage(
                subject=tab.locator(".outbox-message h1").inner_text().strip(),
                recipient=tab.locator("[data-field=recipient]").inner_text().strip(),
                body=tab.locator(".message-body").inner_text(),
            )
        finally:
            tab.close()

    def newest_code(self, *, to=None, digits=6):
        """The one-time code in the newest message (to ``to``)."""
        body = self.newest(to=to).body
        match = re.search(rf"\b(\d{{{digits}}})\b", body)
        if match is None:
            raise AssertionError(f"no {digits}-digit code in: {body!r}")
        return match.group(1)


@pytest.fixture
def outbox(context, settings):
    settings.NOTIFICATIONS_OUTBOX = True
    return Outbox(context)


@pytest.fixture
def sign_in(context, live_server, settings):
    """``sign_in(user)``: puts a signed-in session cookie in the page's context (skips the login form).

    A staff account signs in the real way, password then authenticator code
    (accounts/tests/staff.py): force_login would give it no staff capability.
    """
    from django.test import Client

    from satuklik.accounts.tests.staff import staff_sign_in
    from satuklik.core.roles import is_staff_account

    def do(user, target_context=None):
        client = Client()
        if is_staff_account(user):
            staff_sign_in(client, user)
        else:
            client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        (target_context or context).add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return do

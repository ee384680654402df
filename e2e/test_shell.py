"""Journeys through the app shell: home page, language, outbox, Need Help."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.parametrize("locale", ["id", "en"], indirect=True)
def test_home_page(page, screenshot, locale):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == locale
    screenshot("home")


@pytest.mark.e2e
def test_outbox_shows_a_message_sent_by_the_app(page, outbox):
    call_command("send_test_message", "jane@example.com", stdout=StringIO())
    message = outbox.newest(to="jane@example.com")
    assert message.recipient == "jane@example.com"

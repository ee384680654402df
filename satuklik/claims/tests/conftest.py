"""Fixtures shared by the claims tests; a module asks for them with
`pytestmark = pytest.mark.usefixtures("in_english", "frozen_today")`."""

import pytest
import time_machine
from django.utils import translation

from satuklik.claims.tests.factories import TODAY


@pytest.fixture
def in_english(client):
    # Messages are asserted in English (the msgids); the default language is Indonesian.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield

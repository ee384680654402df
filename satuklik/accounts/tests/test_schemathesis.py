"""Fuzz /api/v1/auth/ from its OpenAPI document: no input may produce a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=r"^/api/v1/auth/")


@pytest.fixture
def _keep_test_connection():
    # Requests go straight to the WSGI app, not through Django's test client, which
    # would otherwise close the test transaction's connection after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_auth_api_never_answers_with_a_server_error(case):
    # Bearer-protected operations get a random token: they must answer 401, never 500.
    case.call_and_validate(checks=[not_a_server_error])

"""Fuzz /api/v1/auth/ from its OpenAPI document: no input may produce a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=r"^/api/v1/auth/")


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_auth_api_never_answers_with_a_server_error(case):
    # Bearer-protected operations get a random token: they must answer 401, never 500.
    case.call_and_validate(checks=[not_a_server_error])

"""Fuzz /api/v1/claims from its OpenAPI document, signed in: no input may produce a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from satuklik.accounts import services as account_services
from satuklik.claims.tests.factories import member_user, ready_draft

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=r"^/api/v1/claims")


@pytest.fixture
def _keep_test_connection():
    # Requests go straight to the WSGI app: keep the test transaction's connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db):
    user = member_user()
    ready_draft(user)  # something to find: ids 1.. exist for this member
    _token, raw = account_services.api_token_issue(user=user, name="fuzz")
    return f"Bearer {raw}"


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_claims_api_never_answers_with_a_server_error(case, bearer):
    case.call_and_validate(headers={"Authorization": bearer}, checks=[not_a_server_error])

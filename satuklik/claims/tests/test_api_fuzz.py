"""Fuzz /api/v1/claims from its OpenAPI document, signed in: no input may produce a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from satuklik.accounts import services as account_services
from satuklik.claims.tests.factories import member_user, ready_draft

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=r"^/api/v1/claims")


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

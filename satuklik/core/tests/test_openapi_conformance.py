"""The whole OpenAPI document holds for what the API really answers (issue 10.12).

schemathesis generates requests for every operation from the document (valid and invalid
ones) and checks each answer: no server error, a status the operation documents, the
content type it documents, and a body that matches the documented schema (ErrorOut for
every error). Once signed in as a member and once as a claims officer with the second
factor; requests go straight to the WSGI application, no server needed.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.services import api_token_issue
from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.tests.factories import ClaimFactory, member_user
from satuklik.core.roles import CLAIMS_OFFICER

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# schemathesis's coverage cases (explicit: boundaries, wrong types, other methods) and a few generated
# ones per operation, the same every run, no shrinking: cheap enough for every test run (~60 s CPU).
CHEAP = settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_test_connection")]


@pytest.fixture
def member():
    user = member_user()
    ClaimFactory(member=PolicyLink.objects.get(user=user).member)
    return user


@pytest.fixture
def officer():
    officer = StaffUserFactory()
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return officer


def _bearer(user, *, second_factor=False) -> dict:
    # A fresh token for each request: an operation like logout may revoke the one before.
    _token, raw = api_token_issue(user=user, second_factor=second_factor)
    # identity: the WSGI client does not undo the gzip that production sends.
    return {"Authorization": f"Bearer {raw}", "Accept-Encoding": "identity"}


@schema.parametrize()
@CHEAP
def test_the_document_holds_for_a_member(case, member):
    case.call_and_validate(headers=_bearer(member), checks=CHECKS)


@schema.parametrize()
@CHEAP
def test_the_document_holds_for_a_claims_officer(case, officer):
    # The token the login with an authenticator code issues (accounts.tests.staff.staff_api_token).
    case.call_and_validate(headers=_bearer(officer, second_factor=True), checks=CHECKS)

"""Every error of every router under /api/v1/ has the one shape (issue 12.5, 10.12):
{"message", "code", "field", "errors", "retry_after"}, as JSON, in the asker's language."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.services import api_token_issue
from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import ClaimFactory, member_user
from satuklik.core.api_errors import ErrorOut
from satuklik.core.roles import CLAIMS_OFFICER
from satuklik.core.views import csrf_failure, server_error

pytestmark = pytest.mark.django_db

SHAPE = {"message", "code", "field", "errors", "retry_after"}


def bearer(user, **kwargs):
    _token, raw = api_token_issue(user=user, **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == SHAPE
    ErrorOut.model_validate(body)
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.fixture
def member():
    return member_user()


@pytest.fixture
def officer():
    officer = StaffUserFactory()
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    return officer


def test_every_router_answers_its_errors_in_one_shape(client, member, officer):
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    as_member = {**bearer(member), **en}
    own = PolicyLink.objects.get(user=member).member
    submitted = ClaimFactory(member=own)
    as_json = "application/json"

    # auth
    wrong = client.post("/api/v1/auth/login", {"username": member.username, "password": "wrong"}, as_json, **en)
    assert_error(wrong, 401, "login_failed")
    eula = client.post("/api/v1/auth/register/eula", {"flow_key": "x", "eula_version": "0", "accept": False}, as_json)
    assert assert_error(eula, 400, "eula_not_accepted")["field"] == "accept"
    body = assert_error(client.post("/api/v1/auth/login", {}, as_json, **en), 422, "validation_error")
    assert {(item["field"], item["code"]) for item in body["errors"]} == {
        ("username", "required"),
        ("password", "required"),
    }
    assert_error(client.get("/api/v1/auth/me", **en), 401, "not_authenticated")
    # providers
    assert_error(client.get("/api/v1/providers/NO-SUCH", **en), 404, "not_found")
    body = assert_error(client.get("/api/v1/providers", {"page": 0}, **en), 422, "validation_error")
    assert body["field"] == "page" and "greater than or equal to 1" in body["errors"][0]["message"]
    # policies and cards: another member's or an unknown id is a 404
    assert_error(client.get("/api/v1/policies/members/999999", **as_member), 404, "not_found")
    assert_error(client.get("/api/v1/cards/999999", **as_member), 404, "not_found")
    # claims
    assert_error(client.get("/api/v1/claims/999999", **as_member), 404, "not_found")
    create = client.post("/api/v1/claims", {"member_id": own.pk, "benefit_type": "OUTPATIENT"}, as_json, **as_member)
    assert_error(create, 400, "bad_key")
    again = client.post(f"/api/v1/claims/{submitted.pk}/submit", **as_member)
    assert_error(again, 409, "already_submitted")
    assert_error(client.put(f"/api/v1/claims/{submitted.pk}", "{not json", as_json, **as_member), 400, "bad_request")
    # officers: a member's token, then a staff token without the second factor
    assert_error(client.get("/api/v1/officer/claims/", **as_member), 403, "not_officer")
    no_code = client.get("/api/v1/officer/claims/", **bearer(officer), **en)
    assert_error(no_code, 403, "second_factor_required")
    as_officer = {**bearer(officer, second_factor=True), **en}
    paid = ClaimFactory(status=Claim.Status.PAID)
    assert_error(client.post(f"/api/v1/officer/claims/{paid.pk}/start-review", **as_officer), 409, "illegal_transition")
    # outside the endpoints: unknown paths, non-integer ids, a method a path does not take
    assert_error(client.get("/api/v1/claims/abc", **en), 404, "not_found")
    assert_error(client.post("/api/v1/no-such-thing", **en), 404, "not_found")
    assert_error(client.post("/api/v1/ping", **en), 405, "method_not_allowed")


def test_errors_are_in_indonesian_by_default(client):
    body = assert_error(client.get("/api/v1/auth/me"), 401, "not_authenticated")
    assert body["message"].startswith("Silakan login")
    body = assert_error(client.get("/api/v1/providers", {"page": 0}), 422, "validation_error")
    assert body["errors"][0]["message"] == "Pastikan nilai ini lebih dari atau sama dengan 1."


def test_a_session_post_without_the_csrf_token_is_a_json_403(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    submitted = ClaimFactory(member=PolicyLink.objects.get(user=member).member)
    response = client.post(f"/api/v1/claims/{submitted.pk}/submit", HTTP_ACCEPT_LANGUAGE="en")
    assert_error(response, 403, "csrf_failed")
    submitted.refresh_from_db()
    assert submitted.status == Claim.Status.SUBMITTED


def test_the_csrf_failure_page_is_json_under_the_api_and_a_page_elsewhere():
    factory = RequestFactory()
    assert_error(csrf_failure(factory.post("/api/v1/anything"), reason="CSRF cookie not set."), 403, "csrf_failed")
    page = csrf_failure(factory.post("/accounts/login/"), reason="CSRF cookie not set.")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json():
    factory = RequestFactory()
    assert_error(server_error(factory.get("/api/v1/claims")), 500, "server_error")
    page = server_error(factory.get("/claims/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_the_openapi_document_publishes_one_error_schema_for_every_error(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {name for name in schemas if "Error" in name} == {"ErrorOut", "ErrorItem"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", f"{method.upper()} {path} {status}"

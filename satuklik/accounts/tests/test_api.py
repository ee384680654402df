"""/api/v1/auth/: the mobile app's registration, login, tokens and password flows."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from satuklik.accounts.models import ApiToken, SecurityEvent
from satuklik.accounts.tests.conftest import last_code
from satuklik.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/auth"
NEW = "nasi goreng kambing pedas"


def post(client, path, body=None, token=None, ip="10.0.0.1"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"{API}{path}", body or {}, content_type="application/json", REMOTE_ADDR=ip, **headers)


def get(client, path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"{API}{path}", **headers)


@pytest.fixture
def member(db):
    return UserFactory(username="JANERA0112", email="jane.railey@example.com")


def _login(client, username="JANERA0112", password=DEFAULT_PASSWORD, ip="10.0.0.1"):
    return post(client, "/login", {"username": username, "password": password, "device_name": "Pixel"}, ip=ip)


def test_group_registration_through_the_api(client, jane):
    eula = get(client, "/eula").json()
    start = post(
        client,
        "/register/start",
        {
            "policy_type": "GROUP",
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-01",
            "email": "jane.railey@example.com",
        },
    )
    assert start.status_code == 200 and start.json()["step"] == "eula"
    key = start.json()["flow_key"]
    accepted = post(client, "/register/eula", {"flow_key": key, "eula_version": eula["version"], "accept": True})
    body = accepted.json()
    assert body["step"] == "otp" and body["otp"]["destination"] == "ja***@e***.com"
    assert body["otp"]["expires_in"] == 120 and body["otp"]["resend_in"] == 60 and not body["otp"]["other_channel"]
    verified = post(client, "/register/verify", {"flow_key": key, "code": last_code("jane.railey@example.com")})
    assert verified.json()["username"] == "JANERA0112" and verified.json()["outcome"] == "created"
    done = post(client, "/register/password", {"flow_key": key, "password1": NEW, "password2": NEW})
    assert done.status_code == 200
    me = get(client, "/me", token=done.json()["token"])
    assert me.json()["username"] == "JANERA0112" and me.json()["email"] == "ja***@e***.com"


def test_registration_mismatch_is_neutral(client, jane):
    response = post(
        client,
        "/register/start",
        {
            "policy_type": "GROUP",
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-02",
            "email": "jane.railey@example.com",
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "data_mismatch"


def test_wrong_flow_key_and_old_eula_are_refused(client, jane):
    assert post(client, "/register/eula", {"flow_key": "nope", "eula_version": "x", "accept": True}).status_code == 400
    start = post(
        client,
        "/register/start",
        {
            "policy_type": "GROUP",
            "policy_number": "12345678",
            "participant_number": "87654321",
            "date_of_birth": "1990-12-01",
            "email": "jane.railey@example.com",
        },
    ).json()
    old = post(client, "/register/eula", {"flow_key": start["flow_key"], "eula_version": "0.1", "accept": True})
    assert old.status_code == 400 and old.json()["code"] == "eula_not_accepted"


def test_login_gives_a_token_that_works_until_it_expires(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = _login(client)
        assert response.status_code == 200
        token = response.json()["token"]
        assert len(token) >= 43 and response.json()["token_type"] == "Bearer"
        stored = ApiToken.objects.get()
        assert stored.key_hash != token and token not in stored.key_hash and stored.name == "Pixel"
        assert get(client, "/me", token=token).status_code == 200
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        assert get(client, "/me", token=token).status_code == 200
    with time_machine.travel(start + timedelta(days=30, seconds=1), tick=False):
        assert get(client, "/me", token=token).status_code == 401


def test_a_bearer_request_creates_no_session(member, settings):
    # A mobile app sends its token on every call: no session, no cookie it never asked for
    # (one session per request would fill the session store).
    token = _login(Client()).json()["token"]
    app = Client()
    response = get(app, "/me", token=token)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in app.cookies


def test_unknown_and_known_usernames_get_the_same_401(client, member):
    wrong = _login(client, password="wrong")
    unknown = _login(client, username="NOBODY0101", password="wrong")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_api_lockout_is_the_same_as_the_web(client, member):
    for _ in range(5):
        _login(client, password="wrong")
    locked = _login(client)
    assert locked.status_code == 429 and locked.json()["code"] == "login_locked" and locked.json()["retry_after"]
    # The web login from the same address is locked too (one counter for both).
    web = Client().post(
        "/accounts/login/", {"username": "JANERA0112", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert web.status_code == 429


def test_logout_revokes_the_token(client, member):
    token = _login(client).json()["token"]
    assert get(client, "/me", token=token).status_code == 200
    assert post(client, "/logout", token=token).status_code == 204
    assert get(client, "/me", token=token).status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED).exists()


def test_password_change_revokes_every_token_and_returns_a_new_one(client, member):
    phone = _login(client).json()["token"]
    tablet = _login(client).json()["token"]
    response = post(
        client,
        "/password/change",
        {"current_password": DEFAULT_PASSWORD, "password1": NEW, "password2": NEW},
        token=phone,
    )
    assert response.status_code == 200
    assert get(client, "/me", token=phone).status_code == 401
    assert get(client, "/me", token=tablet).status_code == 401
    assert get(client, "/me", token=response.json()["token"]).status_code == 200


def test_logout_everywhere_revokes_tokens_and_sessions(member):
    api, browser = Client(), Client()
    token = _login(api).json()["token"]
    browser.force_login(member)
    assert post(api, "/logout-everywhere", token=token).status_code == 204
    assert get(api, "/me", token=token).status_code == 401
    assert browser.get("/accounts/profile/").status_code == 302


def test_me_accepts_the_web_session(client, member):
    client.force_login(member)
    assert get(client, "/me").json()["username"] == "JANERA0112"
    assert Client().get(f"{API}/me").status_code == 401


def test_forgot_password_through_the_api(client, member):
    known = post(client, "/password-reset/start", {"username": "janera0112"})
    unknown = post(client, "/password-reset/start", {"username": "NOBODY0101"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda body: {**body, "flow_key": "", "otp": {**body["otp"], "challenge_id": ""}}  # noqa: E731
    assert strip(known.json()) == strip(unknown.json())
    key = known.json()["flow_key"]
    verified = post(client, "/password-reset/verify", {"flow_key": key, "code": last_code(member.email)})
    assert verified.json()["step"] == "password"
    done = post(client, "/password-reset/complete", {"flow_key": key, "password1": NEW, "password2": NEW})
    assert done.status_code == 204
    assert _login(client, password=NEW).status_code == 200


def test_otp_resend_and_status(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        body = post(client, "/password-reset/start", {"username": "JANERA0112"}).json()
        ref = {"flow_key": body["flow_key"], "challenge_id": body["otp"]["challenge_id"]}
        too_soon = post(client, "/otp/resend", ref)
        assert too_soon.status_code == 429 and too_soon.json()["code"] == "otp_resend_too_soon"
        assert post(client, "/otp/status", ref).json()["delivery"] == "delivered"
        assert post(client, "/otp/status", {**ref, "flow_key": "other"}).status_code == 400
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert post(client, "/otp/resend", ref).json()["resend_in"] == 60


def test_auth_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/register/start",
        "/register/verify",
        "/login",
        "/logout",
        "/me",
        "/password-reset/start",
        "/otp/resend",
        "/password/change",
    ):
        assert f"{API}{path}" in paths


def test_a_token_is_checked_with_one_query_and_its_last_use_written_once_per_interval(
    client, member, django_assert_num_queries
):
    from satuklik.accounts import services

    token = _login(client).json()["token"]
    row = ApiToken.objects.get()
    with django_assert_num_queries(2):  # the token joined to its user; last_used_at stamped
        assert services.api_token_authenticate(raw=token).user == member
    stamped = ApiToken.objects.get().last_used_at
    with django_assert_num_queries(1):  # within the interval: the read alone, nothing written
        services.api_token_authenticate(raw=token)
    with time_machine.travel(stamped + services.API_TOKEN_LAST_USED_INTERVAL + timedelta(seconds=1)):
        with django_assert_num_queries(2):
            services.api_token_authenticate(raw=token)
        assert ApiToken.objects.get().last_used_at > stamped
    # Revoked elsewhere (another process, a plain UPDATE): refused on the very next check.
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    with django_assert_num_queries(1):
        assert services.api_token_authenticate(raw=token) is None
    assert get(client, "/me", token=token).status_code == 401


@pytest.mark.parametrize("revoked", [False, True], ids=["unknown", "revoked"])
def test_a_refused_token_on_a_post_gets_the_same_401_as_on_a_get(member, revoked):
    api = Client(enforce_csrf_checks=True)
    token = "not-a-token-at-all-0123456789abcdefghijklmnop"
    if revoked:
        token = _login(api).json()["token"]
        assert post(api, "/logout", token=token).status_code == 204
    answer_get = get(api, "/me", token=token)
    answer_post = post(api, "/logout-everywhere", token=token)
    assert answer_get.status_code == answer_post.status_code == 401
    assert answer_post["Content-Type"].startswith("application/json")
    assert answer_post.json() == answer_get.json()


def _token_plan(sql: str) -> str:
    """How the database finds the token row for this captured SELECT."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test tables hold a handful of rows, where a scan is cheapest; with scans
            # priced out the plan shows which index the query can use.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def test_a_whole_bearer_request_costs_one_query_for_the_token_and_its_user(client, member, django_assert_num_queries):
    """GET /me with a token, counted on the whole request (middleware included): the token
    and its user in one indexed query, the endpoint's own query (the login names), and
    `last_used_at` written at most once per interval. A logout counts on the next request."""
    from satuklik.accounts import services

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = _login(client).json()["token"]
    assert ApiToken.objects.get().last_used_at is None

    def me_at(moment, queries):
        with time_machine.travel(moment, tick=False), django_assert_num_queries(queries) as captured:
            answer = get(client, "/me", token=token)
        return answer, [query["sql"] for query in captured.captured_queries]

    # First use: the token joined to its user, the stamp, the login names.
    first_use = start + timedelta(seconds=1)
    answer, sqls = me_at(first_use, 3)
    assert answer.status_code == 200 and answer.json()["username"] == "JANERA0112"
    lookup, stamp, names = sqls
    assert lookup.startswith("SELECT") and '"accounts_apitoken"."key_hash" =' in lookup
    assert 'INNER JOIN "accounts_user"' in lookup and '"accounts_user"."is_active"' in lookup
    assert '"revoked_at" IS NULL' in lookup
    assert stamp.startswith('UPDATE "accounts_apitoken" SET "last_used_at"')
    assert '"accounts_loginname"' in names
    assert ApiToken.objects.get().last_used_at == first_use
    # The lookup goes through the unique index on key_hash, never a scan of the tokens.
    plan = _token_plan(lookup)
    assert "key_hash" in plan and "SCAN accounts_apitoken" not in plan and "Seq Scan on accounts_apitoken" not in plan

    # Inside the interval: the same answer from two queries, nothing written.
    inside = first_use + services.API_TOKEN_LAST_USED_INTERVAL - timedelta(seconds=1)
    for moment in (first_use + timedelta(seconds=30), inside):
        answer, sqls = me_at(moment, 2)
        assert answer.status_code == 200 and not any(sql.startswith("UPDATE") for sql in sqls)
    assert ApiToken.objects.get().last_used_at == first_use

    # After the interval: a second write, then quiet again.
    after = first_use + services.API_TOKEN_LAST_USED_INTERVAL + timedelta(seconds=1)
    answer, sqls = me_at(after, 3)
    assert answer.status_code == 200 and sqls[1].startswith('UPDATE "accounts_apitoken" SET "last_used_at"')
    assert ApiToken.objects.get().last_used_at == after
    me_at(after + timedelta(seconds=1), 2)

    # Logged out: the very next request is refused, by the same single lookup.
    with time_machine.travel(after + timedelta(seconds=2), tick=False):
        assert post(client, "/logout", token=token).status_code == 204
    refused, sqls = me_at(after + timedelta(seconds=3), 1)
    assert refused.status_code == 401 and refused.json()["code"]
    assert ApiToken.objects.get().revoked_at is not None

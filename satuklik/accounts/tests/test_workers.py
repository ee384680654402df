"""The embedded default (scripts/run: two gunicorn workers, SQLite, no Redis) as real
processes: every worker sees the same tokens, lockouts and throttles (issue 10.2).

Each answer names the worker that gave it (X-Served-By); every check below is made until
both workers have answered it.
"""

from satuklik.accounts import throttle

PASSWORD = "correct horse battery staple"  # factories.DEFAULT_PASSWORD
EN = {"Accept-Language": "en"}


def _member(server, username):
    server.shell(
        "from satuklik.accounts.tests.factories import UserFactory; "
        f"UserFactory(username={username!r}, email='{username.lower()}@example.com')"
    )


def _login(server, username, password=PASSWORD):
    return server.post(
        "/api/v1/auth/login", json={"username": username, "password": password, "device_name": "test"}, headers=EN
    )


def test_a_logout_on_one_worker_refuses_the_token_on_every_worker(two_worker_server):
    server = two_worker_server
    _member(server, "JANERA0112")
    token = _login(server, "JANERA0112").json()["token"]
    bearer = {"Authorization": f"Bearer {token}", **EN}
    before = server.until_both_workers(lambda: server.get("/api/v1/auth/me", headers=bearer))
    assert {answer.status_code for answer in before} == {200}

    assert server.post("/api/v1/auth/logout", headers=bearer).status_code == 204
    after = server.until_both_workers(lambda: server.get("/api/v1/auth/me", headers=bearer))
    assert {answer.status_code for answer in after} == {401}


def test_wrong_passwords_on_both_workers_lock_the_username(two_worker_server):
    server = two_worker_server
    _member(server, "BUDISA0203")
    failures = [_login(server, "BUDISA0203", "not the password") for _ in range(throttle.LOCK_AFTER)]
    assert {answer.status_code for answer in failures} == {401}
    # Counted together, whichever worker took each try: even the right password is refused.
    refused = server.until_both_workers(lambda: _login(server, "BUDISA0203"))
    assert {(answer.status_code, answer.json()["code"]) for answer in refused} == {(429, "login_locked")}


def test_the_registration_limit_counts_across_workers(two_worker_server):
    server = two_worker_server
    details = {
        "policy_type": "GROUP",
        "policy_number": "12345678",
        "participant_number": "87654321",
        "date_of_birth": "1990-12-01",
        "email": "jane@example.com",
    }
    mismatches = [
        server.post("/api/v1/auth/register/start", json=details, headers=EN)
        for _ in range(throttle.REGISTER_MAX_MISMATCHES)
    ]
    assert {answer.status_code for answer in mismatches} == {400}
    assert len({answer.headers["X-Served-By"] for answer in mismatches}) == 2
    limited = server.until_both_workers(lambda: server.post("/api/v1/auth/register/start", json=details, headers=EN))
    assert {(answer.status_code, answer.json()["code"]) for answer in limited} == {(429, "too_many_attempts")}

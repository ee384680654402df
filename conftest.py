"""Fixtures shared by every app's tests."""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def _cache_of_one_process(settings):
    # The embedded default's cache is a database table (every gunicorn worker shares it;
    # the two_worker_server tests prove that). A test runs in one process, where memory is
    # that one shared view too, and the query-count tests then count the app's queries only.
    if settings.CACHES["default"]["BACKEND"] == "satuklik.core.cache.DatabaseCache":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache(_cache_of_one_process):
    # Throttles and lockouts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    # Uploaded files go to a per-test folder, never into the project.
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Real processes: the embedded default as scripts/run serves it ------------------

ROOT = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _embedded_env(database: Path, media: Path) -> dict:
    """The environment of a fresh `scripts/run`: no Redis, SQLite (here a temporary file)."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"DATABASE_URL": f"sqlite:///{database}", "SATUKLIK_MEDIA_ROOT": str(media)})
    return env


@pytest.fixture(scope="session")
def embedded_database(tmp_path_factory):
    """A migrated SQLite file with the cache table, made once; each server runs on a copy."""
    folder = tmp_path_factory.mktemp("embedded")
    database = folder / "template.sqlite3"
    env = _embedded_env(database, folder / "media")
    for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
        subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True)
    return database


class TwoWorkerServer:
    """gunicorn with two sync workers (as scripts/run) on a copy of the embedded database.

    server.get/post(path, ...) are requests' own, relative to the server; every answer
    carries `X-Served-By: <worker pid>`. server.shell("python code") runs in a manage.py
    shell against the same database (to create users and members with the factories).
    """

    def __init__(self, url: str, env: dict):
        self.url = url
        self.env = env
        self.http = requests.Session()
        # A new connection per request, so that the kernel hands requests to either worker.
        self.http.headers["Connection"] = "close"

    def request(self, method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return self.http.request(method, self.url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def shell(self, code: str) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise AssertionError(f"manage.py shell failed:\n{result.stderr}")
        return result.stdout.strip()

    def until_both_workers(self, call, *, tries: int = 200) -> list:
        """Repeat call() (returning a response) until both workers have answered; all answers."""
        answers = []
        for _ in range(tries):
            answers.append(call())
            if len({answer.headers["X-Served-By"] for answer in answers}) == 2:
                return answers
        raise AssertionError(f"one worker answered all {tries} requests")


@pytest.fixture
def embedded_env(embedded_database, tmp_path):
    """The environment of a fresh `scripts/run` on its own copy of the embedded database,
    with its files under tmp_path / "media"."""
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(embedded_database, database)
    return _embedded_env(database, tmp_path / "media")


@contextlib.contextmanager
def gunicorn_serving(env: dict, folder: Path):
    """gunicorn as scripts/run starts it (two sync workers), in env, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = folder / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "config/gunicorn.conf.py",
            "satuklik.core.wsgi_served_by",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = TwoWorkerServer(f"http://127.0.0.1:{port}", env)
    try:
        for _ in range(150):
            try:
                if server.get("/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass  # not listening yet, or a worker still importing Django on a busy machine
            if process.poll() is not None:
                raise AssertionError(log_path.read_text())
            time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer /healthz")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def two_worker_server(embedded_env, tmp_path):
    """The embedded default served by two gunicorn worker processes, on its own database."""
    with gunicorn_serving(embedded_env, tmp_path) as server:
        yield server


@pytest.fixture
def two_worker_server_on_the_test_database(transactional_db, tmp_path):
    """Two gunicorn workers on this test run's own PostgreSQL database and Redis (the
    production shape), for a test marked `django_db(transaction=True)` (the servers read
    only committed rows). Skipped on SQLite, whose test database lives in this process's
    memory (use two_worker_server)."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings as django_settings
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL")
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.pop("PYTEST_XDIST_WORKER", None)
    url = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    # The Redis of this test process (one database per xdist worker), so that the
    # autouse cache.clear() empties the servers' cache too.
    env["REDIS_URL"] = django_settings.REDIS_URL
    env["SATUKLIK_MEDIA_ROOT"] = str(tmp_path / "media")
    with gunicorn_serving(env, tmp_path) as server:
        yield server


@pytest.fixture
def collected_static_server(embedded_env, tmp_path):
    """The embedded default exactly as scripts/run serves it: static files collected
    (hashed names, compressed copies), two gunicorn workers."""
    env = {**embedded_env, "SATUKLIK_STATIC_COLLECTED": "1", "SATUKLIK_STATIC_ROOT": str(tmp_path / "static")}
    subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    with gunicorn_serving(env, tmp_path) as server:
        yield server


@pytest.fixture
def admin_client(client, admin_user):
    # pytest-django's admin_client skips the second factor (force_login): staff sign in
    # with password and authenticator code here, as they do (accounts/tests/staff.py).
    from satuklik.accounts.tests.staff import admin_sign_in

    return admin_sign_in(client, admin_user, password="password")


@pytest.fixture
def _keep_test_connection():
    """For tests that call the WSGI app directly (schemathesis), not through Django's test
    client: keep the test transaction's connection open across their requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

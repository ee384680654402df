"""Load benchmark of the member-facing JSON API under gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/api_load.py                    # everything, results in benchmarks/results/api_load.md
    .venv/bin/python benchmarks/api_load.py --duration 5 --only floor,policies.list
    .venv/bin/python benchmarks/api_load.py --keep-db          # reuse the seeded benchmark database

What it does:
1. (Re)creates the PostgreSQL database `satuklik_bench_api` (BENCH_DATABASE_URL to change),
   migrates it and loads the demo data set (seed_demo: 2,000 principals and families).
2. Starts gunicorn with sync workers and persistent database connections
   (DATABASE_CONN_MAX_AGE=600, as in production) on a loopback port, with the cache and
   sessions in Redis when one answers (BENCH_REDIS_URL, default redis://127.0.0.1:6379/12).
   SATUKLIK_BENCH_FLOOR=1 routes the floor view (benchmarks/floor.py), never in production.
3. Logs the demo personas in through the API (bearer tokens) and issues tokens to
   --signed-in (default 500) distinct Group principals (accounts made as the demo makes
   its claimants'); the Group member endpoints go round-robin over those members. Then loads
   every endpoint of ENDPOINTS for --duration seconds with 50 connections, using `wrk`
   (installed with apt-get when missing and possible; a Lua script for the round-robin) or,
   failing that, a small asyncio client. --mixed runs a background writer meanwhile
   (--write-rate a second, in turn: a draft claim, a login, the new token's first use).
4. Writes requests/s, p50 and p99 for each endpoint beside the floor (a one-query JSON
   view of the same server) with the machine's description to the results file.

Target (issue 2): each of our endpoints at least half the floor's requests/s, p99 under 100 ms.
"""

import argparse
import asyncio
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
RESULTS = ROOT / "benchmarks" / "results" / "api_load.md"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/satuklik_bench_api"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
TARGET_SHARE = 0.5
TARGET_P99_MS = 100.0
WARM_UP_S = 2
LOAD_BEFORE = "unknown"


@dataclass
class Endpoint:
    """One GET to load. `path` may hold {placeholders} filled from the persona's context
    (see persona_context); `persona` names the signed-in persona (None: anonymous)."""

    name: str
    path: str
    persona: str | None = None
    note: str = ""


# The floor first; then every member-facing endpoint. Later issues: add yours here.
ENDPOINTS = [
    Endpoint("floor", "/bench/floor", note="one query, JsonResponse, same middleware"),
    Endpoint("ping", "/api/v1/ping", note="no query"),
    Endpoint("auth.me", "/api/v1/auth/me", "rizky"),
    Endpoint("policies.list", "/api/v1/policies", "rizky", "the policy dropdown"),
    Endpoint("policies.members", "/api/v1/policies/{link_id}/members", "rizky", "member and dependents"),
    Endpoint("policies.member", "/api/v1/policies/members/{member_id}", "rizky"),
    Endpoint("policies.benefits", "/api/v1/policies/members/{member_id}/benefits", "rizky", "limits, used, remaining"),
    Endpoint("policies.individual", "/api/v1/policies/members/{member_id}/individual", "hendra"),
    Endpoint("policies.dplk", "/api/v1/policies/members/{member_id}/dplk", "wayan", "balances and projection"),
    Endpoint("policies.dplk.contributions", "/api/v1/policies/members/{member_id}/dplk/contributions", "wayan"),
    Endpoint("cards.list", "/api/v1/cards", "rizky", "eCards with signed QR payloads"),
    Endpoint("claims.list", "/api/v1/claims", "rizky"),
    Endpoint("claims.participants", "/api/v1/claims/participants", "rizky"),
    Endpoint(
        "claims.officer_queue", "/api/v1/officer/claims/?status=all", "klaim", "officers' work queue (demo staff)"
    ),
    Endpoint("providers.search", "/api/v1/providers?city=Jakarta+Selatan", None, "partner hospitals in a city"),
    Endpoint("providers.nearest", "/api/v1/providers?lat=-6.2255&lng=106.8020", None, "nearest partner hospitals"),
    # TODO(later issues): add the member-facing endpoints you build, e.g.
    # Endpoint("telemedicine.doctors", "/api/v1/telemedicine/doctors", "rizky"),
    # Endpoint("content.articles", "/api/v1/content/articles"),
]


def persona_context(base_url: str, persona: dict) -> dict:
    """Log in through the API and collect the ids the paths need: the bearer header, the
    first active link and its member."""
    body = json.dumps({"username": persona["username"], "password": persona["password"], "device_name": "bench"})
    request = urllib.request.Request(
        f"{base_url}/api/v1/auth/login", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.load(response)["token"]
    headers = {"Authorization": f"Bearer {token}"}
    context = {"headers": headers}
    try:
        links = http_get_json(f"{base_url}/api/v1/policies", headers)
        active = [link for link in links if link.get("status") == "ACTIVE"]
        if active:
            context.update(link_id=active[0]["id"], member_id=active[0]["member_id"])
    except (urllib.error.URLError, KeyError, ValueError) as exc:  # the policies API may not exist yet
        print(f"  no policy context for {persona['key']}: {exc}")
    return context


def many_member_contexts(count: int) -> list[dict]:
    """Bearer contexts of `count` distinct Group principals of the demo data (their families'
    accounts made as the demo makes its claimants' accounts, tokens issued by the service
    that /auth/login calls): the load goes round-robin over them, as real traffic does."""
    from django.utils import timezone

    from satuklik.accounts import services as account_services
    from satuklik.accounts.models import PolicyLink
    from satuklik.demo.accounts import member_account
    from satuklik.policies.models import Member, PolicyType

    now = timezone.now()
    principals = Member.objects.filter(
        relation=Member.Relation.PRINCIPAL, status=Member.Status.ACTIVE, policy__policy_type=PolicyType.GROUP
    ).order_by("id")[:count]
    contexts = []
    for member in principals:
        user = member_account(member, now)
        link = PolicyLink.objects.filter(user=user, member=member, status=PolicyLink.Status.ACTIVE).first()
        if link is None:
            continue
        _token, raw = account_services.api_token_issue(user=user, name="bench")
        contexts.append({"headers": {"Authorization": f"Bearer {raw}"}, "link_id": link.pk, "member_id": member.pk})
    return contexts


def writer_thread(base_url: str, contexts: list[dict], rate: float, stop, counts: dict):
    """The mixed mode's background writer, `rate` writes a second in turn: a draft claim of
    one of the members, a login (a new token, last_login written) and that token's first use
    (last_used_at written). Counts what it did and what failed."""
    import itertools
    import uuid

    from satuklik.demo.policies import PERSONAS_BY_KEY

    persona = PERSONAS_BY_KEY["rizky"]
    kinds = itertools.cycle(("claim_draft", "login", "token_use"))
    members = itertools.cycle(contexts)
    token = None
    while not stop.wait(1 / rate):
        kind = next(kinds)
        try:
            if kind == "claim_draft":
                context = next(members)
                body = json.dumps({"member_id": context["member_id"], "benefit_type": "OUTPATIENT"}).encode()
                headers = {
                    **context["headers"],
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                }
                urllib.request.urlopen(
                    urllib.request.Request(f"{base_url}/api/v1/claims", data=body, headers=headers), timeout=30
                ).close()
            elif kind == "login":
                body = json.dumps(
                    {"username": persona["username"], "password": persona["password"], "device_name": "bench-writer"}
                ).encode()
                request = urllib.request.Request(
                    f"{base_url}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    token = json.load(response)["token"]
            elif token:
                http_get_json(f"{base_url}/api/v1/auth/me", {"Authorization": f"Bearer {token}"})
            counts[kind] = counts.get(kind, 0) + 1
        except (urllib.error.URLError, OSError, ValueError) as exc:
            counts["errors"] = counts.get("errors", 0) + 1
            counts["last_error"] = f"{kind}: {exc}"


def queries_per_request(path: str, headers: dict) -> str | None:
    """The database queries of one request to `path`, counted in this process (Django's test
    client) after one warm-up request: every answer is built from the database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    extra = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    client.get(path, **extra)  # warm: the token's last_used_at stamped, as in the server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    if response.status_code != 200:
        return None
    return str(len(captured))


def http_get_json(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return json.load(response)


# --- The server ---------------------------------------------------------------------------


def bench_env(database_url: str, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SATUKLIK_PRODUCTION"}}
    env.update(
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="600",
        SATUKLIK_BENCH_FLOOR="1",
        DJANGO_DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def database_create(database_url: str, keep: bool) -> bool:
    """Create the benchmark database (dropping an old one unless keep); True if it is new."""
    import psycopg

    parsed = urllib.parse.urlparse(database_url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"unexpected database name {name!r}")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return False
        if exists:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def database_prepare(env: dict, members: int):
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--members", str(members)], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_start(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        GUNICORN,
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            http_get_json(f"http://127.0.0.1:{port}/healthz")
            return process
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                raise SystemExit("gunicorn exited while starting") from None
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


# --- Load generators ----------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str
    requests_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: str = ""
    note: str = ""
    queries: str | None = None
    extra: dict = field(default_factory=dict)


def wrk_available() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's wrk package")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, capture_output=True)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, capture_output=True)
    return bool(shutil.which("wrk"))


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def load_with_wrk(base_url, requests, connections, duration, threads) -> dict:
    """requests: [(path, headers)], sent round-robin (a Lua script when there are several)."""
    import tempfile

    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    script = None
    if len(requests) == 1:
        for key, value in requests[0][1].items():
            command += ["-H", f"{key}: {value}"]
    else:
        lines = ["local requests = {}"]
        for path, headers in requests:
            table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
            lines.append(f'table.insert(requests, wrk.format("GET", {json.dumps(path)}, {{{table}}}))')
        lines += ["local i = math.random(#requests)", "request = function()", "  i = i % #requests + 1",
                  "  return requests[i]", "end"]  # fmt: skip
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write("\n".join(lines) + "\n")
        command += ["-s", script.name]
    try:
        output = subprocess.run(
            [*command, base_url + requests[0][0]], capture_output=True, text=True, check=True
        ).stdout
    finally:
        if script:
            os.unlink(script.name)
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "errors": ", ".join(
            part for part in (errors and f"{errors.group(1)} non-2xx", socket_errors and socket_errors.group(1)) if part
        ),
    }


async def _python_client(host, port, requests, connections, duration):
    """50 tasks, each sending GETs one after the other (a new connection when the server
    closes it, as gunicorn's sync workers do), round-robin over `requests`; latency per request."""
    import itertools

    encoded = itertools.cycle(
        [
            (
                f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                + "\r\n"
            ).encode()  # fmt: skip
            for target, headers in requests
        ]
    )
    latencies, failures = [], 0
    deadline = time.monotonic() + duration

    async def worker():
        nonlocal failures
        reader = writer = None
        while time.monotonic() < deadline:
            started = time.perf_counter()
            request = next(encoded)
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                await writer.drain()
                status_line = await reader.readline()
                length, close = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "connection" and value.strip().lower() == "close":
                        close = True
                await reader.readexactly(length)
                if not status_line.startswith(b"HTTP/1.1 2"):
                    failures += 1
                latencies.append((time.perf_counter() - started) * 1000)
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError):
                failures += 1
                reader = writer = None

    began = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0,
        "errors": f"{failures} failed" if failures else "",
    }


def load_with_python(base_url, requests, connections, duration, threads) -> dict:
    parsed = urllib.parse.urlparse(base_url)
    return asyncio.run(_python_client(parsed.hostname, parsed.port, requests, connections, duration))


# --- Report ---------------------------------------------------------------------------------


def machine_info(env) -> list[tuple[str, str]]:
    def read(path):
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = re.search(r"^model name\s*:\s*(.+)$", read("/proc/cpuinfo"), re.M)
    cpu = cpu.group(1).strip() if cpu else platform.processor() or "unknown"
    memory = re.search(r"^MemTotal:\s+(\d+) kB", read("/proc/meminfo"), re.M)
    memory = f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown"
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', read("/etc/os-release"), re.M)
    os_name = os_name.group(1) if os_name else platform.platform()

    def version(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=30)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    postgres = version(
        [
            PYTHON,
            "-c",
            "import psycopg,sys; print(psycopg.connect(sys.argv[1]).execute('show server_version').fetchone()[0])",
            env["DATABASE_URL"],
        ]  # fmt: skip
    )
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", memory),
        ("OS", os_name),
        ("Python", platform.python_version()),
        ("Django", version([PYTHON, "-c", "import django; print(django.get_version())"])),
        ("gunicorn", version([GUNICORN, "--version"])),
        ("PostgreSQL", postgres),
        ("Redis", version(["redis-server", "--version"]) if env.get("REDIS_URL") else "not used"),
        ("load generator", version(["wrk", "--version"]) if shutil.which("wrk") else "Python asyncio client"),
        ("load average before the run (1, 5, 15 min)", LOAD_BEFORE),
        ("load average after the run", ", ".join(f"{value:.2f}" for value in os.getloadavg())),
    ]


def report(results, args, env, started) -> str:
    floor = next((r for r in results if r.name == "floor" and r.requests_per_s), None)
    lines = [
        "# API load benchmark",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `benchmarks/api_load.py` "
        f"(`--duration {args.duration} --connections {args.connections} --workers {args.workers}`): "
        f"gunicorn with {args.workers} sync workers and persistent database connections on PostgreSQL, "
        f"{args.connections} connections for {args.duration} s per endpoint, the demo data set "
        f"({args.members} principals and their families). Signed-in endpoints send a bearer token of a "
        "demo persona (RIZKYP1708: Group; HENDRA0303: Individu; IWAYAN0909: DPLK); the Group member endpoints "
        f"go round-robin over {args.signed_in} distinct members' tokens (`--signed-in`).",
        "",
        f"Target: at least {TARGET_SHARE:.0%} of the floor's requests/s and p99 under {TARGET_P99_MS:.0f} ms. "
        "Each endpoint is compared with the floor measured right before it (`floor beside`), so that "
        "the load of the moment on this shared machine weighs on both alike. "
        "`queries`: database queries one request makes, counted in-process with the same token "
        "(gunicorn adds a connection health check per request). No answer is cached: every "
        "request builds its answer (docs/architecture.md, How reads are made fast).",
        "",
        "| endpoint | path | queries | requests/s | p50 (ms) | p99 (ms) | floor beside (req/s) | vs floor | target "
        "| notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        if not r.requests_per_s:
            lines.append(f"| {r.name} | `{r.path}` | - | - | - | - | - | - | skipped | {r.errors or r.note} |")
            continue
        reference = r.extra.get("floor_rps") or (floor.requests_per_s if floor else 0)
        share = r.requests_per_s / reference if reference else 0
        is_floor = r.name == "floor"
        met = is_floor or (share >= TARGET_SHARE and r.p99_ms < TARGET_P99_MS)
        notes = "; ".join(part for part in (r.note, r.errors) if part)
        lines.append(
            f"| {r.name} | `{r.path}` | {'?' if r.queries is None else r.queries} | {r.requests_per_s:,.0f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {reference:,.0f} | "
            f"{share:.0%} | {'-' if is_floor else ('met' if met else 'MISSED')} | {notes} |"
        )
    if getattr(args, "writes", None) is not None:
        lines += [
            "",
            f"Mixed mode: a background writer at {args.write_rate:g} writes/s while measuring: {args.writes}.",
        ]
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine_info(env)]
    lines += [
        "",
        "The load generator runs on the same machine as gunicorn and PostgreSQL, so they share the cores;",
        "figures from a quiet machine are higher. Run it again with `.venv/bin/python benchmarks/api_load.py`.",
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--no-redis", action="store_true", help="local-memory cache and database sessions")
    parser.add_argument("--keep-db", action="store_true", help="reuse the benchmark database when it exists")
    parser.add_argument("--members", type=int, default=2000)
    # Sync workers: two per core overlap one's database waits with another's CPU work.
    parser.add_argument("--workers", type=int, default=min(4, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument(
        "--no-pairs", action="store_true", help="measure the floor once, not again right before each endpoint"
    )
    parser.add_argument("--python-client", action="store_true", help="use the asyncio client even if wrk exists")
    parser.add_argument(
        "--signed-in",
        type=int,
        default=500,
        help="distinct Group members whose tokens the members' endpoints go round-robin over (0: the personas only)",
    )
    parser.add_argument(
        "--mixed", action="store_true", help="a background writer (claim drafts, logins, token use) while measuring"
    )
    parser.add_argument("--write-rate", type=float, default=2.0, help="writes a second in --mixed mode")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()

    global LOAD_BEFORE
    started = datetime.datetime.now(datetime.UTC)
    LOAD_BEFORE = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    redis_url = "" if args.no_redis else args.redis_url
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url).ping()
        except Exception as exc:
            print(f"Redis at {redis_url} does not answer ({exc}): local-memory cache instead")
            redis_url = ""
    env = bench_env(args.database_url, redis_url)
    if database_create(args.database_url, keep=args.keep_db):
        print("migrating and seeding the benchmark database...")
        database_prepare(env, args.members)
    else:  # a kept database follows the code's migrations
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # no login throttles or sessions left from a previous run

    use_wrk = not args.python_client and wrk_available()
    load = load_with_wrk if use_wrk else load_with_python
    print(f"load generator: {'wrk' if use_wrk else 'Python asyncio client'}")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # This process reads the personas' credentials and counts each endpoint's queries
    # in-process, against the same database as the server.
    for name in ("DATABASE_URL", "REDIS_URL", "SATUKLIK_BENCH_FLOOR", "DATABASE_CONN_MAX_AGE"):
        if name in env:
            os.environ[name] = env[name]
    import django

    django.setup()
    from satuklik.demo.accounts import STAFF  # the demo claims officer "klaim" too
    from satuklik.demo.policies import PERSONAS_BY_KEY

    PERSONAS_BY_KEY = {**PERSONAS_BY_KEY, **{u: {"key": u, "username": u, "password": p} for u, p, *_ in STAFF}}

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = server_start(env, port, args.workers)
    results = []
    try:
        contexts = {}
        wanted = [e for e in ENDPOINTS if not args.only or e.name in args.only.split(",")]
        floor_path = next(e.path for e in ENDPOINTS if e.name == "floor")
        for key in sorted({e.persona for e in wanted if e.persona}):
            try:
                contexts[key] = persona_context(base_url, PERSONAS_BY_KEY[key])
            except (urllib.error.URLError, KeyError, ValueError) as exc:
                print(f"  could not sign in as {key}: {exc}")
        # The Group member endpoints (persona "rizky") go round-robin over many members.
        many = many_member_contexts(args.signed_in) if args.signed_in else []
        print(f"signed in {len(many)} distinct members")
        writes: dict = {}
        stop = threading.Event()
        writer = None
        if args.mixed:
            writer = threading.Thread(
                target=writer_thread, args=(base_url, many or [contexts["rizky"]], args.write_rate, stop, writes)
            )
            writer.start()
        for endpoint in wanted:
            result = Result(endpoint.name, endpoint.path, note=endpoint.note)
            context = contexts.get(endpoint.persona, {}) if endpoint.persona else {}
            if endpoint.persona and not context:
                result.errors = f"no session for {endpoint.persona}"
                results.append(result)
                continue
            try:
                path = endpoint.path.format(**context)
            except KeyError as exc:
                result.errors = f"no {exc.args[0]} for {endpoint.persona}"
                results.append(result)
                continue
            result.path = path
            headers = context.get("headers", {})
            requests = [(path, headers)]
            if endpoint.persona == "rizky" and many:
                requests = [(endpoint.path.format(**member), member["headers"]) for member in many]
                result.note = "; ".join(part for part in (result.note, f"{len(many)} members round-robin") if part)
            try:  # the endpoint must answer 200 before it is worth loading
                with urllib.request.urlopen(urllib.request.Request(base_url + path, headers=headers), timeout=30):
                    pass
            except urllib.error.HTTPError as exc:
                result.errors = f"HTTP {exc.code} before loading"
                results.append(result)
                print(f"{endpoint.name:30} skipped: {result.errors}")
                continue
            if endpoint.name != "floor" and not args.no_pairs:
                # The floor right before each endpoint: on a shared machine the load of the
                # moment weighs on both alike, so their ratio holds when absolute figures move.
                load(base_url, [(floor_path, {})], args.connections, WARM_UP_S, threads=2)
                beside = load(base_url, [(floor_path, {})], args.connections, args.duration, threads=2)
                result.extra["floor_rps"] = beside["requests_per_s"]
            # Warm up (worker imports, database connections, caches), then measure.
            load(base_url, requests, args.connections, WARM_UP_S, threads=2)
            measured = load(base_url, requests, args.connections, args.duration, threads=2)
            result.requests_per_s, result.p50_ms, result.p99_ms = (
                measured["requests_per_s"],
                measured["p50_ms"],
                measured["p99_ms"],
            )
            result.errors = measured["errors"]
            result.queries = queries_per_request(path, headers)
            results.append(result)
            print(
                f"{endpoint.name:30} {result.requests_per_s:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
                f"p99 {result.p99_ms:6.1f} ms  {result.errors}"
            )
        if writer is not None:
            stop.set()
            writer.join(30)
            print(f"writer: {writes}")
            args.writes = writes
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report(results, args, env, started))
    print(f"results written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()

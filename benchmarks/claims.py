"""Claims at scale: list query counts and timings with few and 100,000 claims, and the
adjudication of 10,000 claims in one batch, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/claims.py                          # both databases, 100,000 claims
    .venv/bin/python benchmarks/claims.py --claims 20000 --only sqlite
    .venv/bin/python benchmarks/claims.py --pg-url postgres://postgres@127.0.0.1:5432/satuklik_bench_claims

For each database (SQLite: a fresh file under var/; PostgreSQL: the database
`satuklik_bench_claims`, dropped and created again), in a child process with that
DATABASE_URL:
1. migrate; a group policy with a plan of five benefit items, 10,000 participants, a
   member account linked to one principal ("few": 3 claims) and one to another ("many":
   1,000 claims), a claims officer;
2. "few": with only those claims in the database, the member's claim list (API and page)
   and the officer's work queue (API and page) are requested 30 times each in-process
   (Django's test client: the whole stack without a network): queries per request and
   p50/p95 time;
3. 100,000 claims with 1-2 items each are added in bulk (statuses of a working
   portfolio: paid, decided, waiting, drafts; treatment dates over 2025), then ANALYZE;
4. "many": the same requests again: the query counts must be equal;
5. 10,000 claims waiting for a decision are adjudicated in one batch
   (satuklik.claims.adjudication.adjudicate_claims), three times; target under 10 s.
Results: benchmarks/results/claims.md (with the machine's description).
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
RESULTS = ROOT / "benchmarks" / "results" / "claims.md"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/satuklik_bench_claims"
SQLITE_PATH = ROOT / "var" / "bench_claims.sqlite3"
MEMBERS = 10_000
REPEAT = 30
BATCH_TARGET_S = 10.0


# --- the parent: one child process per database ---------------------------------------------


def pg_recreate(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unexpected database name {name!r}")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def pg_drop(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_child(label: str, database_url: str, args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SATUKLIK_PRODUCTION"}}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="0", LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    command = [
        PYTHON,
        str(Path(__file__).resolve()),
        "--child",
        "--claims",
        str(args.claims),
        "--batch",
        str(args.batch),
        "--label",
        label,
    ]
    print(f"== {label}: {database_url}", flush=True)
    load_before = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    sys.stderr.write(completed.stderr[-4000:])
    if completed.returncode != 0:
        raise SystemExit(f"{label} failed ({completed.returncode})")
    line = [row for row in completed.stdout.splitlines() if row.startswith("RESULT ")][-1]
    return {**json.loads(line[len("RESULT ") :]), "load_before": load_before}


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    try:
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return f"{cpus} cores ({model}), {memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_results(results: list[dict], args) -> None:
    lines = [
        "# Claims at scale",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {machine()}, "
        f"with `benchmarks/claims.py --claims {args.claims} --batch {args.batch}`.",
        "",
        "Requests run in-process through Django's test client (middleware, authentication, "
        "view, serialisation; no network and no web server), "
        f'{REPEAT} times each; p50/p95 are wall-clock milliseconds. "few": the 3 claims of one member '
        f'and nothing else; "many": after {args.claims:,} more claims were added (the "many" member '
        "owns 1,000 of them). Pages of 20 (member) and 50 (officer). No answer is cached: "
        "every request builds its answer, which is what grows with the data.",
        "",
        "## Query counts and timings",
        "",
        "| database | request | queries (few) | queries (many) | same? | p50 few (ms) | p95 few (ms) "
        "| p50 many (ms) | p95 many (ms) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        for name, few in result["few"].items():
            many = result["many"][name]
            lines.append(
                f"| {result['label']} | {name} | {few['queries']} | {many['queries']} | "
                f"{'yes' if few['queries'] == many['queries'] else '**no**'} | {few['p50']:.1f} | {few['p95']:.1f} "
                f"| {many['p50']:.1f} | {many['p95']:.1f} |"
            )
    lines += [
        "",
        f"## Adjudication of {args.batch:,} claims in one batch (target under {BATCH_TARGET_S:.0f} s)",
        "",
        "| database | claims in the database | items adjudicated | runs (s) | best (s) | claims/s | target met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        batch = result["batch"]
        best = min(batch["runs"])
        lines.append(
            f"| {result['label']} | {result['total_claims']:,} | {batch['items']:,} | "
            f"{', '.join(f'{run:.2f}' for run in batch['runs'])} | {best:.2f} | {batch['claims'] / best:,.0f} | "
            f"{'yes' if max(batch['runs']) < BATCH_TARGET_S else '**no**'} |"
        )
    lines += [
        "",
        "Load average (1/5/15 min) before each database's run: "
        + "; ".join(f"{r['label']} {r['load_before']}" for r in results)
        + " (the machine is shared: other work ran at the same time, so the timings are upper bounds).",
        "",
        "Loading the data (bulk inserts, not part of the figures above): "
        + "; ".join(f"{r['label']} {r['load_s']:.1f} s" for r in results)
        + ".",
        "",
        "The batch makes 4 queries per 2,000 claims (the claims with their participant's and policy's dates, their items, "
        "the plans' benefit items, the participants' decided claims around the "
        "treatment dates); the rules themselves run in Python on plain data.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"results written to {RESULTS.relative_to(ROOT)}")


def main_parent(args) -> None:
    results = []
    if args.only in (None, "sqlite"):
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        try:
            results.append(run_child("SQLite", f"sqlite:///{SQLITE_PATH}", args))
        finally:
            for suffix in ("", "-wal", "-shm"):
                if not args.keep_db:
                    Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    if args.only in (None, "pg"):
        pg_recreate(args.pg_url)
        try:
            results.append(run_child("PostgreSQL", args.pg_url, args))
        finally:
            if not args.keep_db:
                pg_drop(args.pg_url)
    for result in results:
        print(json.dumps(result, indent=1))
    if not args.no_write:
        write_results(results, args)


# --- the child: one database ------------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Every request builds its answer (no answer is cached): that is what grows with the data.
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build_world()
    few = measure(world)
    load_started = time.perf_counter()
    add_claims(world, args.claims)
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics after a bulk load, as PostgreSQL's autovacuum would soon gather.
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - load_started + (load_started - started)
    many = measure(world)
    batch = adjudicate_batch(args.batch)
    from satuklik.claims.models import Claim

    result = {
        "label": args.label,
        "few": few,
        "many": many,
        "batch": batch,
        "load_s": load_s,
        "total_claims": Claim.objects.count(),
    }
    print("RESULT " + json.dumps(result))


def build_world() -> dict:
    from django.contrib.auth.models import Group

    from satuklik.accounts.models import LoginName, PolicyLink, User
    from satuklik.accounts.services import api_token_issue
    from satuklik.core.roles import CLAIMS_OFFICER
    from satuklik.policies.models import BenefitItem, Member, Plan, Policy, PolicyHolder

    holder = PolicyHolder.objects.create(code="BENCH", name="PT Bench Sejahtera")
    policy = Policy.objects.create(
        number="90000001", policy_type="GROUP", start_date=datetime.date(2025, 1, 1), holder=holder
    )
    plan = Plan.objects.create(code="BENCH-IP500", name="Plan Bench", policy=policy)
    items = [
        BenefitItem(
            plan=plan, benefit_type="INPATIENT", code="IP-RB", name="Kamar", limit_amount=500_000,
            limit_period="DAY", annual_limit_amount=36_500_000,
        ),
        BenefitItem(
            plan=plan, benefit_type="OUTPATIENT", code="OP-GP", name="Dokter umum", limit_amount=150_000,
            limit_period="VISIT", copay_percent=20, annual_limit_amount=5_000_000,
        ),
        BenefitItem(
            plan=plan, benefit_type="DENTAL", code="DT-SC", name="Scaling", limit_amount=400_000,
            limit_period="VISIT", count_limit=4, count_period_months=12,
        ),
        BenefitItem(
            plan=plan, benefit_type="MATERNITY", code="MT-N", name="Persalinan", limit_amount=8_000_000,
            limit_period="CASE", waiting_period_days=365,
        ),
        BenefitItem(
            plan=plan, benefit_type="OPTICAL", code="OPT", name="Kacamata", limit_amount=1_000_000,
            limit_period="CASE", count_limit=1, count_period_months=24, deductible_amount=50_000,
        ),
    ]  # fmt: skip
    BenefitItem.objects.bulk_create(items)
    items = list(BenefitItem.objects.filter(plan=plan))
    members = Member.objects.bulk_create(
        [
            Member(
                policy=policy,
                participant_number=f"9{n:07d}",
                full_name=f"PESERTA BENCH {n}",
                date_of_birth=datetime.date(1985, 1, 1) + datetime.timedelta(days=n % 9000),
                gender="F" if n % 2 else "M",
                plan=plan,
                start_date=datetime.date(2024, 1, 1) if n % 3 else datetime.date(2025, 1, 1),
            )
            for n in range(MEMBERS)
        ],
        batch_size=2000,
    )
    members = list(Member.objects.filter(policy=policy).order_by("id"))

    def account(username, member=None, staff=False):
        user = User.objects.create(username=username, full_name=username, is_staff=staff, email=f"{username}@x.example")
        LoginName.objects.create(user=user, name=username.upper())
        if member:
            PolicyLink.objects.create(user=user, member=member, status=PolicyLink.Status.ACTIVE)
        return user

    few_user = account("benchfew", members[0])
    many_user = account("benchmany", members[1])
    officer = account("benchofficer", staff=True)
    officer.groups.add(Group.objects.get(name=CLAIMS_OFFICER))
    world = {
        "items": items,
        "members": members,
        "few_user": few_user,
        "many_user": many_user,
        "officer": officer,
        "tokens": {
            "few": api_token_issue(user=few_user)[1],
            "many": api_token_issue(user=many_user)[1],
            "officer": api_token_issue(user=officer)[1],
        },
        "rng": random.Random(20251124),
        "next_number": 0,
    }
    # The "few" member's claims, and as many for the "many" member: the only claims yet; some
    # wait for an officer so that the queue's pages are not empty.
    waiting = ["SUBMITTED", "IN_REVIEW", "PAID"]
    add_claims(world, 3, members=[members[0]], statuses=waiting)
    add_claims(world, 3, members=[members[1]], statuses=waiting)
    return world


STATUS_MIX = [
    ("PAID", 35),
    ("APPROVED", 5),
    ("PARTLY", 5),
    ("REJECTED", 7),
    ("SUBMITTED", 18),
    ("IN_REVIEW", 15),
    ("DOCS_REQ", 5),
    ("APPEALED", 2),
    ("DRAFT", 8),
]


def add_claims(world: dict, count: int, members=None, statuses=None) -> None:
    """`count` claims with 1-2 items each, in bulk; 1,000 of a big batch go to the "many" member."""
    from django.utils import timezone

    from satuklik.claims.models import Claim, ClaimItem

    rng = world["rng"]
    fixed = statuses is not None
    statuses = statuses or [status for status, weight in STATUS_MIX for _ in range(weight)]
    by_type = {}
    for item in world["items"]:
        by_type.setdefault(item.benefit_type, []).append(item)
    types = list(by_type)
    people = members or world["members"]
    many_member = world["members"][1]
    now = timezone.now()
    chunk = 5000
    for start in range(0, count, chunk):
        claims, lines = [], []
        for n in range(start, min(count, start + chunk)):
            member = many_member if (members is None and n < 1000) else rng.choice(people)
            status = statuses[n % len(statuses)] if fixed else rng.choice(statuses)
            benefit_type = rng.choice(types)
            treated = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(330))
            world["next_number"] += 1
            submitted = None if status == "DRAFT" else now - datetime.timedelta(days=rng.randrange(1, 300))
            item = by_type[benefit_type][0]
            amounts = [rng.randrange(50, 3000) * 1000 for _ in range(rng.choice((1, 1, 2)))]
            decided = status in ("PAID", "APPROVED", "PARTLY", "REJECTED", "APPEALED")
            approved_items = [
                0 if status == "REJECTED" else amount * rng.choice((100, 80, 60)) // 100 for amount in amounts
            ]
            claim = Claim(
                number=f"BCH-{world['next_number']:08d}",
                member=member,
                benefit_type=benefit_type,
                status=status,
                treatment_date=treated,
                submitted_at=submitted,
                complete_at=submitted,
                decision_due_date=(treated + datetime.timedelta(days=80)) if submitted else None,
                amount_claimed=sum(amounts),
                amount_approved=sum(approved_items) if decided else None,
                amount_paid=sum(approved_items) if status == "PAID" else None,
                provider_name="RS Bench",
                bank_code="014",
                bank_account_number="1234567890",
                bank_account_holder=member.full_name,
            )
            claims.append(claim)
            lines.append(
                [
                    (
                        item,
                        amount,
                        approved if decided else None,
                        rng.randrange(1, 5) if item.limit_period == "DAY" else 1,
                    )
                    for amount, approved in zip(amounts, approved_items, strict=True)
                ]
            )
        Claim.objects.bulk_create(claims, batch_size=2000)
        if claims[0].pk is None:  # SQLite before 3.35 does not return ids
            numbers = [claim.number for claim in claims]
            ids = dict(Claim.objects.filter(number__in=numbers).values_list("number", "pk"))
            for claim in claims:
                claim.pk = ids[claim.number]
        ClaimItem.objects.bulk_create(
            [
                ClaimItem(claim=claim, benefit_item=item, amount_claimed=amount, amount_approved=approved, quantity=qty)
                for claim, claim_lines in zip(claims, lines, strict=True)
                for item, amount, approved, qty in claim_lines
            ],
            batch_size=5000,
        )


def measure(world: dict) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    tokens = world["tokens"]
    requests = [
        ("member API list, few claims' member", "few", "/api/v1/claims", None),
        ("member API list, 1,000 claims' member", "many", "/api/v1/claims", None),
        ("member page /claims/", "many", "/claims/", world["many_user"]),
        ("officer API queue (to decide)", "officer", "/api/v1/officer/claims/", None),
        ("officer API queue (all statuses)", "officer", "/api/v1/officer/claims/?status=all", None),
        ("officer page /backoffice/claims/", "officer", "/backoffice/claims/?status=all", world["officer"]),
    ]
    result = {}
    for name, who, path, session_user in requests:
        client = Client()
        headers = {}
        if session_user is not None:
            client.force_login(session_user)
        else:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[who]}"
        response = client.get(path, **headers)  # warm-up (token stamp, session, caches)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        times, counts = [], set()
        for _ in range(REPEAT):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(path, **headers)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            counts.add(len(captured))
        times.sort()
        result[name] = {
            "queries": max(counts),
            "p50": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1],
        }
    return result


def adjudicate_batch(size: int) -> dict:
    from satuklik.claims.adjudication import adjudicate_claims
    from satuklik.claims.models import Claim

    ids = list(
        Claim.objects.filter(status__in=["SUBMITTED", "IN_REVIEW", "APPEALED"])
        .order_by("id")
        .values_list("pk", flat=True)[:size]
    )
    runs = []
    proposals = {}
    for _ in range(3):
        began = time.perf_counter()
        proposals = adjudicate_claims(ids)
        runs.append(time.perf_counter() - began)
    return {
        "claims": len(proposals),
        "items": sum(len(p.items) for p in proposals.values()),
        "runs": runs,
        "proposed_total": sum(p.amount_proposed for p in proposals.values()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000, help="claims to add for 'many' (default 100,000)")
    parser.add_argument("--batch", type=int, default=10_000, help="claims adjudicated in one batch (default 10,000)")
    parser.add_argument("--only", choices=["sqlite", "pg"], help="one database only")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_CLAIMS_DATABASE_URL", DEFAULT_PG))
    parser.add_argument(
        "--keep-db", action="store_true", help="keep both databases afterwards (to look at query plans)"
    )
    parser.add_argument("--no-write", action="store_true", help="print, don't write the results file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()

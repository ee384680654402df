"""Benchmark: import 100,000 members through the core-data import, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_members.py [--members 100000] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Generates policyholders, policies, plans and members as CSV in a temporary folder,
imports them through satuklik.policies.importing.services.core_file_import (parse,
validate, upsert: the same path as the command and the upload page) into a fresh
SQLite file and a fresh PostgreSQL database (satuklik_bench, created and dropped here),
and times PostgreSQL's own COPY of the same member rows into a bare table (no index,
no constraint) for comparison. Each import is timed twice: into empty tables (every
row created) and again with the same file (every row unchanged). Writes
benchmarks/results/import.md.
"""

import argparse
import datetime
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "import.md"
BENCH_DB = os.environ.get("BENCH_DB", "satuklik_bench")  # one of your own on a shared server
REPEATS = 3  # each measurement is repeated on a fresh database; the median is reported

FIRST = ["ADI", "AGUS", "AYU", "BAMBANG", "BUDI", "CITRA", "DEWI", "DIAN", "EKO", "FITRI", "GILANG", "HENDRA",
         "INDAH", "JOKO", "KARTIKA", "LESTARI", "MAYA", "NUR", "PUTRI", "RINA", "RIZKY", "SARI", "SITI", "TAUFIK",
         "WAHYU", "YULI"]  # fmt: skip
LAST = ["SANTOSO", "WIJAYA", "SAPUTRA", "RAHAYU", "HIDAYAT", "KURNIAWAN", "PRASETYO", "LESTARI", "SETIAWAN",
        "NUGROHO", "SUSANTO", "HARAHAP", "SIREGAR", "NASUTION", "PURBA", "TANJUNG", "WIBOWO", "GUNAWAN"]  # fmt: skip
CITIES = ["Jakarta", "Surabaya", "Bandung", "Medan", "Semarang", "Makassar", "Palembang", "Denpasar"]


# --- Data ------------------------------------------------------------------------------


def generate(folder: Path, members: int, seed: int = 20261124) -> dict:
    """Write policyholders/policies/plans/members CSV files; dependents follow their principal."""
    rng = random.Random(seed)
    holders = max(10, members // 1000)
    policies = max(20, members // 100)
    with open(folder / "policyholders.csv", "w", encoding="utf-8") as out:
        out.write("holder_code,name,address,city,phone,email\n")
        for h in range(holders):
            out.write(f"H{h:05d},PT {rng.choice(LAST)} {rng.choice(LAST)} {h},Jl. Merdeka {h},{rng.choice(CITIES)},"
                      f"021-555{h:04d},hr{h}@company{h}.example\n")  # fmt: skip
    with open(folder / "policies.csv", "w", encoding="utf-8") as out:
        out.write("policy_number,policy_type,status,start_date,end_date,holder_code,holder_name\n")
        for p in range(policies):
            out.write(f"{10_000_000 + p},Group,Aktif,01/01/2026,31/12/2026,H{p % holders:05d},\n")
    with open(folder / "plans.csv", "w", encoding="utf-8") as out:
        out.write("plan_code;plan_name;policy_number;benefit_type;item_code;item_name;limit_amount;limit_period;"
                  "copay_percent\n")  # fmt: skip
        for p in range(policies):
            for letter, room in (("A", "Rp 750.000"), ("B", "Rp 500.000")):
                code = f"P{p}-{letter}"
                number = 10_000_000 + p
                out.write(f"{code};Plan {letter};{number};Rawat Inap;IP-RB;Kamar & Makan;{room};Per hari;0\n")
                out.write(f"{code};Plan {letter};{number};Rawat Jalan;OP-GP;Dokter Umum;Rp 300.000;Per kunjungan;20%\n")
                out.write(f"{code};Plan {letter};{number};Gigi;DE-FILL;Tambal Gigi;1.500.000;Per tahun;0\n")
    written = 0
    with open(folder / "members.csv", "w", encoding="utf-8") as out:
        out.write("policy_number,participant_number,full_name,date_of_birth,gender,relation,principal_number,"
                  "plan_code,employee_number,email,mobile,start_date,end_date,status\n")  # fmt: skip
        number = 80_000_000
        while written < members:
            p = rng.randrange(policies)
            policy = 10_000_000 + p
            plan = f"P{p}-{rng.choice('AB')}"
            number += 1
            principal = number
            last = rng.choice(LAST)
            gender = rng.choice("FM")
            first = rng.choice(FIRST)
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 35))
            out.write(f"{policy},{principal},{first} {last},{born:%d/%m/%Y},{'Wanita' if gender == 'F' else 'Pria'},"
                      f"Karyawan,,{plan},E{principal},{first.lower()}.{last.lower()}{principal}@example.com,"
                      f"0812{principal:08d},01/01/2026,31/12/2026,Aktif\n")  # fmt: skip
            written += 1
            for relation in ("Pasangan", "Anak", "Anak")[: rng.choice((0, 1, 1, 2, 3))]:
                if written >= members:
                    break
                number += 1
                born = datetime.date(1970 if relation == "Pasangan" else 2004, 1, 1) + datetime.timedelta(
                    days=rng.randrange(365 * 20)
                )
                out.write(f"{policy},{number},{rng.choice(FIRST)} {last},{born:%d/%m/%Y},{rng.choice('FM')},"
                          f"{relation},{principal},{plan},,,,01/01/2026,31/12/2026,Aktif\n")  # fmt: skip
                written += 1
    return {"holders": holders, "policies": policies, "plans": policies * 2, "members": written}


# --- One backend, in its own process (Django's settings are read once) -------------------


def child(folder: Path, repeats: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from satuklik.policies.importing.services import core_file_import
    from satuklik.policies.models import Member

    call_command("migrate", verbosity=0)
    postgresql = connection.vendor == "postgresql"
    results = {"first": [], "again": [], "prep": [], "stream": [], "by_row": [], "floor": [], "floor_no_fk": []}
    for attempt in range(repeats):
        if attempt:
            _empty_tables(connection)
        if postgresql:
            # The reference, measured right before the import so that both see the same machine.
            reference = copy_reference(connection, folder / "members.csv")
            results["stream"].append(reference["stream"])
            results["by_row"].append(reference["by_row"])
        started = time.perf_counter()
        for kind in ("policyholders", "policies", "plans"):
            report = core_file_import(kind=kind, file=folder / f"{kind}.csv")
            assert report.ok, report.format_text()
        results["prep"].append(time.perf_counter() - started)
        for label in ("first", "again"):
            started = time.perf_counter()
            report = core_file_import(kind="members", file=folder / "members.csv")
            elapsed = time.perf_counter() - started
            assert report.ok, report.format_text()
            expected = report.rows if label == "first" else 0
            assert report.created == expected, (label, report.created, report.rows)
            results[label].append(elapsed)
            results.setdefault(f"phases_{label}", []).append(report.timings)
            results["rows"] = report.rows
        if postgresql:
            floors = copy_into_member_table(connection)
            results["floor"].append(floors["table"])
            results["floor_no_fk"].append(floors["no_fk"])
    results["count"] = Member.objects.count()
    if postgresql:
        results["schema"] = member_table_schema(connection)
    results["vendor"] = connection.vendor
    results["server"] = connection.cursor().connection.info.server_version if postgresql else sqlite3.sqlite_version
    print("RESULT " + json.dumps(results))


def copy_into_member_table(connection) -> dict:
    """The floor of writing these rows: COPY them, ids resolved, into the member table itself.

    Also into a copy of the table with the same indexes and check constraint but no
    foreign keys ("no_fk"), to show what the foreign key checks cost.
    """
    raw = connection.connection  # psycopg's connection
    with raw.cursor() as cursor:
        dump = bytearray()
        with cursor.copy("COPY (SELECT * FROM policies_member ORDER BY id) TO STDOUT") as copy:
            for block in copy:
                dump += block
        cursor.execute("TRUNCATE policies_member CASCADE")
        cursor.execute("DROP TABLE IF EXISTS member_no_fk")
        cursor.execute("CREATE TABLE member_no_fk (LIKE policies_member INCLUDING ALL)")  # all but foreign keys
    raw.commit()
    timings = {}
    for name, table in (("table", "policies_member"), ("no_fk", "member_no_fk")):
        started = time.perf_counter()
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            copy.write(bytes(dump))
        raw.commit()  # the foreign keys are checked here (deferred constraints)
        timings[name] = time.perf_counter() - started
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE member_no_fk")
    raw.commit()
    return timings


def member_table_schema(connection) -> dict:
    """How many indexes and foreign keys policies_member has (what every write maintains)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'policies_member'")
        indexes = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'policies_member'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchone()[0]
    return {"indexes": indexes, "foreign_keys": foreign_keys}


def _empty_tables(connection):
    tables = ["policies_member", "policies_benefititem", "policies_plan", "policies_policy", "policies_policyholder"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("VACUUM")


def run_child(folder: Path, database_url: str, repeats: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--repeats", str(repeats)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"benchmark child failed:\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


# --- PostgreSQL's own COPY ---------------------------------------------------------------


def copy_reference(connection, members_csv: Path) -> dict:
    """COPY the members file into a bare table: streamed as is, and parsed in Python row by row."""
    import csv

    columns = ("policy_number text, participant_number text, full_name text, date_of_birth text, gender text, "
               "relation text, principal_number text, plan_code text, employee_number text, email text, "
               "mobile text, start_date text, end_date text, status text")  # fmt: skip
    data = members_csv.read_bytes()
    raw = connection.connection
    timings = {}
    for how in ("stream", "by_row"):
        with raw.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bare_members")
            cursor.execute(f"CREATE TABLE bare_members ({columns})")
        raw.commit()
        started = time.perf_counter()
        with raw.cursor() as cursor:
            if how == "stream":
                with cursor.copy("COPY bare_members FROM STDIN (FORMAT csv, HEADER true)") as copy:
                    for start in range(0, len(data), 1 << 20):
                        copy.write(data[start : start + (1 << 20)])
            else:
                with open(members_csv, encoding="utf-8", newline="") as handle:
                    reader = csv.reader(handle)
                    next(reader)
                    with cursor.copy("COPY bare_members FROM STDIN") as copy:
                        for row in reader:
                            copy.write_row(row)
        raw.commit()
        timings[how] = time.perf_counter() - started
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE bare_members")
    raw.commit()
    return timings


# --- Report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def rate(rows, seconds) -> str:
    return f"{rows / seconds:,.0f}"


PHASES = ("read", "check", "write", "commit")


def phase_rows(pg: dict, sqlite: dict) -> list[str]:
    """One table row per phase of the import: median seconds of each backend's runs."""
    columns = [(pg, "first"), (pg, "again"), (sqlite, "first"), (sqlite, "again")]
    rows = []
    for phase in PHASES:
        cells = [
            f"{statistics.median(run.get(phase, 0.0) for run in results[f'phases_{label}']):.2f}"
            for results, label in columns
        ]
        rows.append(f"| {phase} | {' | '.join(cells)} |")
    return rows


def write_results(info: dict, sqlite: dict, pg: dict) -> str:
    rows = pg["rows"]
    median = statistics.median

    def row(label, seconds, reference=True):
        line = f"| {label} | {median(seconds):.2f} | {rows / median(seconds):,.0f} |"
        if reference:
            # Ratios of throughput, run by run (COPY was timed just before each import), then the median.
            for base in ("stream", "by_row", "floor"):
                line += f" {median(b / s for b, s in zip(pg[base], seconds, strict=True)):.0%} |"
        else:
            line += " | | |"
        return line

    def ratio(base, seconds):
        return median(b / s for b, s in zip(pg[base], pg[seconds], strict=True))

    def verdict(base):
        first, again = ratio(base, "first"), ratio(base, "again")
        return (
            f"{'met' if first >= 0.5 else 'not met'} for a first import ({first:.0%}), "
            f"{'met' if again >= 0.5 else 'not met'} for a re-import ({again:.0%})"
        )

    schema = pg["schema"]
    table_shape = f"{schema['indexes']} indexes, {schema['foreign_keys']} foreign keys"
    lines = [
        f"# Import benchmark: {info['members']:,} members",
        "",
        f"Measured {datetime.date.today():%d %B %Y} by `benchmarks/import_members.py` on {machine()}; "
        f"PostgreSQL {pg['server'] // 10000}.{pg['server'] % 100}, SQLite {sqlite['server']}. "
        f"Load average before / after: {info['load_before']:.1f} / {info['load_after']:.1f} (other work shared "
        "the machine: compare the ratios, which pair each import with a COPY timed just before it).",
        "",
        f"Data: {info['members']:,} members (principals with 0-3 dependents each) of {info['policies']:,} group "
        f"policies, {info['holders']:,} policyholders and {info['plans']:,} plans, as one CSV file "
        f'({info["size_mb"]:.1f} MB). The import is `core_file_import(kind="members")`: read the CSV, convert '
        "and check every cell and row (dates, enums, e-mail, references to policies, plans and principals, "
        "duplicates), then upsert all-or-nothing (PostgreSQL: binary COPY into a temporary staging table and one "
        "`INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT FROM` per pass, principals then "
        "dependents, rows already there with the same values dropped by a join first; SQLite: Django's "
        "`bulk_create(update_conflicts=True)` of the new and changed rows). Median of "
        f"{len(pg['first'])} runs, each on freshly emptied tables.",
        "",
        "| what | seconds | rows/s | vs COPY streamed | vs COPY row by row | vs COPY into `policies_member` |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row("PostgreSQL COPY of the CSV file into a bare table (no index, no constraint), streamed", pg["stream"]),
        row("PostgreSQL COPY into the bare table, CSV parsed in Python and sent with `write_row`", pg["by_row"]),
        row("**PostgreSQL import, empty tables (every row created)**", pg["first"]),
        row("**PostgreSQL import, same file again (every row unchanged)**", pg["again"]),
        row(f"PostgreSQL COPY of the resolved rows straight into `policies_member` ({table_shape})", pg["floor"]),
        row(
            "PostgreSQL COPY of the same rows into a copy of `policies_member` without its foreign keys",
            pg["floor_no_fk"],
        ),
        row("SQLite import, empty tables", sqlite["first"], reference=False),
        row("SQLite import, same file again", sqlite["again"], reference=False),
        "",
        f"Target (the whole import at least 50% of COPY's rows/s): against COPY streamed (the issue's "
        f"reference), {verdict('stream')}; against COPY row by row, {verdict('by_row')}; against COPY into "
        f"`policies_member` with its constraints and indexes (the fair anchor), {verdict('floor')}.",
        "",
        "Where the import's time goes (median seconds per phase, from the import report's timings): "
        "read = parse the file and convert every cell; check = duplicates, references and row rules; "
        "write = staging and upsert; commit = end of the transaction, where PostgreSQL checks the deferred "
        "foreign keys of every row written.",
        "",
        "| phase | PostgreSQL first | PostgreSQL again | SQLite first | SQLite again |",
        "| --- | ---: | ---: | ---: | ---: |",
        *phase_rows(pg, sqlite),
        "",
        "Runs (seconds): "
        + "; ".join(
            f"{name} {', '.join(f'{s:.2f}' for s in values)}"
            for name, values in (
                ("COPY streamed", pg["stream"]),
                ("COPY row by row", pg["by_row"]),
                ("PostgreSQL first", pg["first"]),
                ("PostgreSQL again", pg["again"]),
                ("COPY into policies_member", pg["floor"]),
                ("COPY into it without foreign keys", pg["floor_no_fk"]),
                ("SQLite first", sqlite["first"]),
                ("SQLite again", sqlite["again"]),
            )
        )
        + ".",
        "",
    ]
    notes = info.get("notes", "")
    if not notes and RESULTS.exists():
        # Keep the hand-written analysis of the previous results (re-read it against the new figures).
        previous = RESULTS.read_text()
        if "## Reading these figures" in previous:
            notes = previous[previous.index("## Reading these figures") :]
    text = "\n".join(lines) + "\n" + notes
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--notes", type=Path, help="a Markdown file appended to the results (the analysis)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeats)
        return

    import psycopg

    base = args.pg_url.rsplit("/", 1)[0]
    bench_url = f"{base}/{BENCH_DB}"
    with tempfile.TemporaryDirectory(prefix="satuklik-bench-") as tmp:
        folder = Path(tmp)
        info = generate(folder, args.members)
        info["size_mb"] = (folder / "members.csv").stat().st_size / 1e6
        info["load_before"] = os.getloadavg()[0]
        if args.notes:
            info["notes"] = args.notes.read_text()
        print(f"generated {info} in {folder}", flush=True)
        sqlite = run_child(folder, f"sqlite:///{folder / 'bench.sqlite3'}", args.repeats)
        print("sqlite", sqlite, flush=True)
        with psycopg.connect(args.pg_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
        try:
            pg = run_child(folder, bench_url, args.repeats)
            print("postgresql", pg, flush=True)
        finally:
            with psycopg.connect(args.pg_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    info["load_after"] = os.getloadavg()[0]
    print(write_results(info, sqlite, pg))


if __name__ == "__main__":
    main()

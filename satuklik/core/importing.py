"""Generic, table-driven file imports: CSV or XLSX in, a report out, all or nothing.

Every import of the insurer's data (core-system policies and members, the provider
directory, ...) is built from the same five pieces:

1. ``read_table(file)`` reads a CSV (UTF-8 with or without BOM, comma or semicolon,
   detected) or an XLSX file (first sheet, openpyxl read-only) into a header and rows
   numbered as a person sees them: the header is line 1. ``read_rows(file)`` gives the
   same rows without taking a header (the bank's transfer file has none).
2. ``Column`` + a converter (``text``, ``email``, ``integer``, ``money``, ``percent``,
   ``date``, ``boolean``, ``choice``) per column. Empty cells of a required column are
   errors; empty optional cells take the column's default. A converter raises
   ``ValueError`` with a translated reason; the row is then reported, not written.
3. ``FileImport``: subclass it per file kind, declaring ``kind``, ``columns`` and the
   natural ``key`` (a second row with the same key is an error), and overriding
   ``prepare`` (pre-load what rows refer to: one query per referenced table, never one
   per row), ``check`` (cross-column and reference rules, calling ``self.error``) and
   ``write`` (the database part, returning ``Counts``). ``run()`` does the rest: any
   error anywhere means nothing is written and the ``ImportReport`` lists every bad
   line with its reason; otherwise ``write`` runs in one transaction (rolled back at
   the end for a dry run, so a dry run reports the exact counts too).
4. ``Upsert``: one set-based upsert keyed on natural keys, foreign keys resolved from
   natural keys (``Lookup``). On PostgreSQL the rows go through ``COPY`` into a
   temporary staging table and one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``, the
   lookups as joins; elsewhere (SQLite) the lookups are queries and the rows go through
   Django's ``bulk_create(update_conflicts=True)``. Rows whose values are unchanged are
   not touched (their ``updated_at`` stays), so running a file twice changes nothing.
5. ``ImportReport``: counts (read, created, updated, unchanged) and ``RowError`` s.

A provider import, for example::

    class ProviderImport(FileImport):
        kind = "providers"
        columns = [
            Column("provider_code", text(32), required=True),
            Column("name", text(200), required=True),
            Column("city", text(100)),
            Column("latitude", decimal_degrees),          # any callable raising ValueError
            Column("cashless", boolean(), default=True),
        ]
        key = ("provider_code",)
        upsert = Upsert(Provider, fields=["code", "name", "city", "latitude", "cashless"], key=["code"])

        def check(self, row, line):
            if row["latitude"] is not None and not -11 <= row["latitude"] <= 6:
                self.error(line, "latitude", _("is outside Indonesia"))

        def write(self, rows):
            # Staging columns are named after the model's fields; map those the file names otherwise.
            return self.upsert_into(self.upsert, rows, {"code": "provider_code"})

    report = ProviderImport().run(uploaded_file, file_name="providers.csv", dry_run=False)
    if not report.ok:
        for problem in report.errors:
            print(problem.line, problem.column, problem.message)

Foreign keys come from natural keys, resolved in the same statement::

    Upsert(
        Member,
        fields=["participant_number", "full_name"],
        lookups=[Lookup("policy", Policy, {"number": "policy_number"})],
        key=["policy", "participant_number"],
    )   # rows: (participant_number, full_name, policy_number)

``Upsert.staging_columns`` tells the order of a row's values.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import gc
import io
import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuklik.core.money import parse_rupiah
from satuklik.core.queries import sql_in_chunks

# The largest whole numbers PostgreSQL's integer and bigint columns hold: a converter
# refuses more with a reason, rather than leaving it to the database.
INTEGER_MAX = 2_147_483_647
BIGINT_MAX = 9_223_372_036_854_775_807

# A report keeps this many row errors (and counts them all): enough to fix a file by,
# small enough to show on a page and store with the run.
MAX_REPORTED_ERRORS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, not UTF-8, bad header...)."""

    def __init__(self, message, line=1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header; 0 for the file as a whole
    column: str  # empty when the problem is the row or the file
    message: str

    def __str__(self):
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        if self.column:
            return f"{where}, {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other):
        return Counts(self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged)


@dataclass
class ImportReport:
    kind: str
    file_name: str = ""
    dry_run: bool = False
    rows: int = 0  # data rows read (blank lines not counted)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # all errors, also those past MAX_REPORTED_ERRORS
    tables: dict[str, Counts] = field(default_factory=dict)  # per table written, when several
    duration_s: float = 0.0
    # Seconds per phase: read (parse and convert the cells), check (duplicates, references,
    # rules), write (the upsert), commit (end of the transaction: deferred constraint checks).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, column, str(message)))

    def add_counts(self, counts: Counts) -> None:
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "tables": {name: vars(counts) for name, counts in self.tables.items()},
            "duration_s": round(self.duration_s, 3),
            "timings": {phase: round(seconds, 3) for phase, seconds in self.timings.items()},
            "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in self.errors],
        }

    def summary(self) -> str:
        if not self.ok:
            return _("%(file)s: %(count)s error(s), nothing was written.") % {
                "file": self.file_name or self.kind,
                "count": self.error_count,
            }
        text = _("%(file)s: %(rows)s rows read, %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "file": self.file_name or self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text

    def format_text(self) -> str:
        lines = [self.summary()]
        lines += [f"  {error}" for error in self.errors]
        if self.error_count > len(self.errors):
            lines.append("  " + _("... and %(count)s more.") % {"count": self.error_count - len(self.errors)})
        return "\n".join(lines)


# --- Reading --------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]  # normalised column names (see normalise_header)
    rows: Iterator[tuple[int, Sequence]]  # (line number, cells); the header is line 1


def normalise_header(name) -> str:
    """'Policy Number ' -> 'policy_number'; BOM, case, spaces and dashes don't matter."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-/.]+", "_", text).strip("_")


def read_table(file, *, file_name: str = "") -> Table:
    """Read a CSV or XLSX file (a path, bytes, or a binary file object such as an upload)."""
    rows = read_rows(file, file_name=file_name)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    header = list(first[1])
    while header and header[-1] is None:
        header.pop()
    return Table([normalise_header(name) for name in header], rows)


def read_rows(file, *, file_name: str = "") -> Iterator[tuple[int, Sequence]]:
    """Every row of a CSV or XLSX file, the first included: (line number, cells).

    CSV: UTF-8 with or without BOM, comma or semicolon (whichever the first line has
    more of). XLSX: the first sheet. For files without a header, such as a bank's.
    """
    data = _read_bytes(file)
    if data[:4] == b"PK\x03\x04":  # a zip container: XLSX
        return _read_xlsx(data)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file is not a valid XLSX workbook."))
    return _read_csv(data)


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str) or hasattr(file, "__fspath__"):
        with open(file, "rb") as handle:
            return handle.read()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode() if isinstance(data, str) else data


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(position)s). Save it as CSV UTF-8.") % {"position": exc.start}
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV is malformed: %(reason)s") % {"reason": exc}, line=reader.line_num
            ) from exc

    return rows()


def _read_xlsx(data: bytes) -> Iterator[tuple[int, Sequence]]:
    import openpyxl  # imported here: only XLSX imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ImportFileError(_("The file is not a valid XLSX workbook.")) from exc

    def rows():
        try:
            yield from zip(itertools.count(1), workbook.worksheets[0].iter_rows(values_only=True), strict=False)
        finally:
            workbook.close()

    return rows()


# --- Columns and converters -----------------------------------------------------------
# A converter gets a non-empty cell (a stripped str from CSV; str, int, float, bool,
# datetime from XLSX) and returns the value or raises ValueError with the reason.

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def cell_text(value) -> str:
    """A cell as text: XLSX numbers without '.0', dates as ISO."""
    if value.__class__ is str:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value).strip()


def text(max_length: int) -> Callable:
    def convert(value):
        if value.__class__ is not str:
            value = cell_text(value)
        if len(value) > max_length:
            raise ValueError(_("is longer than %(max)s characters") % {"max": max_length})
        return value

    convert.empty = ""
    return convert


def email(max_length: int = 254) -> Callable:
    def convert(value):
        value = cell_text(value)
        if len(value) > max_length or not _EMAIL.fullmatch(value):
            raise ValueError(_("%(value)s is not an e-mail address") % {"value": value})
        return value

    convert.empty = ""
    return convert


def integer(minimum: int | None = 0, maximum: int | None = None) -> Callable:
    def convert(value):
        if isinstance(value, bool):
            raise ValueError(_("%(value)s is not a whole number") % {"value": value})
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text_value = cell_text(value)
            if not re.fullmatch(r"-?\d+", text_value):
                raise ValueError(_("%(value)s is not a whole number") % {"value": text_value})
            number = int(text_value)
        if minimum is not None and number < minimum:
            raise ValueError(_("must be at least %(min)s") % {"min": minimum})
        if maximum is not None and number > maximum:
            raise ValueError(_("must be at most %(max)s") % {"max": maximum})
        return number

    return convert


def percent() -> Callable:
    """0 to 100, written '20', '20%' or (XLSX percent cell) 0.2."""
    whole = integer(0, 100)

    def convert(value):
        if isinstance(value, float) and 0 < value < 1 and not value.is_integer():
            value = round(value * 100, 6)
        elif value.__class__ is str and value.endswith("%"):
            value = value[:-1].strip()
        return whole(value)

    return convert


def remembered(convert: Callable, *, most: int) -> Callable:
    """`convert` keeping its answers for up to `most` distinct cell values: a file repeats
    its dates, codes and amounts, and a lookup is cheaper than parsing again. Errors are
    not kept (the line of each bad cell is reported)."""
    cache: dict = {}

    def convert_remembered(value):
        try:
            return cache[value]
        except (KeyError, TypeError):
            pass
        result = convert(value)
        if len(cache) < most:
            cache[value] = result
        return result

    return convert_remembered


def money(*, allow_negative: bool = False) -> Callable:
    """Integer rupiah from '1.250.000', 'Rp 1.250.000', '1,250,000' or a number cell."""

    def convert(value):
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise ValueError(_("%(value)s is not an amount in rupiah") % {"value": value}) from None
        if amount < 0 and not allow_negative:
            raise ValueError(_("must not be negative"))
        if not -BIGINT_MAX <= amount <= BIGINT_MAX:
            raise ValueError(_("must be at most %(max)s") % {"max": BIGINT_MAX})
        return amount

    return remembered(convert, most=10_000)


def date() -> Callable:
    """dd/mm/yyyy (also d/m/yyyy and dd-mm-yyyy), ISO yyyy-mm-dd, or a date cell."""

    def convert(value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text_value = cell_text(value)
        match = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})", text_value)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
                parsed = datetime.date(year, month, day)
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text_value):
                parsed = datetime.date.fromisoformat(text_value)
            else:
                raise ValueError
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date (write dd/mm/yyyy, e.g. 01/12/1990)") % {"value": text_value}
            ) from None
        return parsed

    return remembered(convert, most=50_000)


def boolean() -> Callable:
    words = {
        "Y": True,
        "YES": True,
        "YA": True,
        "TRUE": True,
        "T": True,
        "1": True,
        "N": False,
        "NO": False,
        "TIDAK": False,
        "FALSE": False,
        "F": False,
        "0": False,
    }

    def convert(value):
        if isinstance(value, bool):
            return value
        result = words.get(cell_text(value).upper())
        if result is None:
            raise ValueError(_("%(value)s is not yes/no (write Y or N)") % {"value": value})
        return result

    return convert


def _choice_key(value) -> str:
    return re.sub(r"[\s_\-]+", " ", cell_text(value)).strip().upper()


def choice(words: dict[str, str]) -> Callable:
    """Map accepted words (any case, spaces/underscores/dashes alike) to stored codes.

    ``words`` maps each accepted word to its code; every code is accepted as itself.
    """
    table = {_choice_key(word): code for word, code in words.items()}
    table.update({_choice_key(code): code for code in words.values()})
    accepted = ", ".join(sorted(set(words.values())))

    def convert(value):
        code = table.get(_choice_key(value))
        if code is None:
            raise ValueError(_("%(value)s is not one of: %(accepted)s") % {"value": value, "accepted": accepted})
        return code

    return remembered(convert, most=1_000)


_NO_DEFAULT = object()


@dataclass
class Column:
    name: str  # normalised header name, e.g. "policy_number"
    convert: Callable
    required: bool = False
    default: object = _NO_DEFAULT  # for an empty optional cell; "" for text, None otherwise
    help: str = ""  # for documentation and the upload page

    def empty_value(self):
        if self.default is not _NO_DEFAULT:
            return self.default
        return getattr(self.convert, "empty", None)


def clean_rows(
    table: Table, columns: Sequence[Column], report: ImportReport, rejected: list | None = None
) -> list[tuple[int, dict]]:
    """Convert every cell; report bad cells and unknown or missing columns; return the good rows.

    Rows with a bad cell go to ``rejected`` (if given) with the cells that did convert,
    so that checks can tell "refers to a bad row" from "refers to nothing".
    """
    positions = {}
    for index, name in enumerate(table.header):
        if not name:
            continue
        if name in positions:
            report.add_error(1, name, _("the column appears twice"))
        positions[name] = index
    known = {column.name for column in columns}
    for name in positions:
        if name not in known:
            report.add_error(
                1,
                name,
                _("unknown column (expected: %(columns)s)") % {"columns": ", ".join(c.name for c in columns)},
            )
    for column in columns:
        if column.required and column.name not in positions:
            report.add_error(1, column.name, _("required column is missing"))
    if not report.ok:
        return []

    # Row by row: measured faster than converting column by column over distinct values
    # (the converters of repeating values - dates, codes, amounts - keep a cache).
    never = 1 << 30  # a position past every row: the column is absent, use its empty value
    slots = [
        (positions.get(c.name, never), c.name, c.required, c.empty_value(), c.convert)
        for c in columns
    ]  # fmt: skip
    required_message = _("is required")
    good = []
    count = 0
    width = len(table.header)
    extra_cells = _("the row has more cells than the header has columns")
    for line, cells in table.rows:
        if not any(cells):
            continue  # a blank line
        count += 1
        size = len(cells)
        row = {}
        bad = False
        if size > width and any(cells[width:]):
            report.add_error(line, "", extra_cells)
            bad = True
        for position, name, required, empty, convert in slots:
            value = cells[position] if position < size else None
            if value.__class__ is str:
                value = value.strip()
                if not value:
                    value = None
            if value is None:
                if required:
                    report.add_error(line, name, required_message)
                    bad = True
                row[name] = empty
                continue
            try:
                row[name] = convert(value)
            except ValueError as exc:
                report.add_error(line, name, str(exc))
                bad = True
        if not bad:
            good.append((line, row))
        elif rejected is not None:
            rejected.append((line, row))
    report.rows = count
    return good


# --- The import -----------------------------------------------------------------------


class FileImport:
    """One kind of file: its columns, natural key, checks and database write (see module doc)."""

    kind: str = ""
    label: str = ""
    columns: list[Column] = []
    key: tuple[str, ...] = ()  # natural key: a duplicate within one file is an error

    def __init__(self):
        self.report: ImportReport | None = None
        # Rows with a bad cell (already reported), with the cells that did convert.
        self.rejected: list[tuple[int, dict]] = []

    # Hooks --------------------------------------------------------------------------
    def prepare(self, rows: list[dict]) -> None:
        """Pre-load what the rows refer to (one query per table). Called only with rows."""

    def check(self, row: dict, line: int) -> None:
        """Cross-column and reference rules; call self.error(line, column, message)."""

    def write(self, rows: list[dict]) -> Counts:
        raise NotImplementedError

    # Helpers ------------------------------------------------------------------------
    def error(self, line: int, column: str, message: str) -> None:
        self.report.add_error(line, column, message)

    def upsert_into(self, target: Upsert, rows: list[dict], names: dict | None = None) -> Counts:
        """Run an Upsert with the rows' values; ``names`` maps staging columns to row keys."""
        names = names or {}
        counts = target.run(rows_as_tuples(rows, [names.get(c, c) for c in target.staging_columns]))
        self.report.tables[str(target.model._meta.verbose_name)] = counts
        return counts

    def duplicate_message(self, first_line: int) -> str:
        return _("the same %(key)s as line %(line)s") % {"key": " + ".join(self.key), "line": first_line}

    # The run ------------------------------------------------------------------------
    def run(self, file, *, file_name: str = "", dry_run: bool = False) -> ImportReport:
        started = time.perf_counter()
        report = self.report = ImportReport(kind=self.kind, file_name=file_name, dry_run=dry_run)
        try:
            with cyclic_gc_paused():
                self._run(report, file, file_name=file_name, dry_run=dry_run)
        finally:
            report.duration_s = time.perf_counter() - started
        return report

    def _run(self, report, file, *, file_name, dry_run):
        started = time.perf_counter()

        def phase_done(name):
            nonlocal started
            now = time.perf_counter()
            report.timings[name] = now - started
            started = now

        try:
            table = read_table(file, file_name=file_name)
            rows = clean_rows(table, self.columns, report, self.rejected)
        except ImportFileError as exc:
            report.add_error(exc.line, "", str(exc))
            return report
        phase_done("read")
        if self.key:
            first_seen = {}
            get_key = _getter(self.key)
            for line, row in rows:
                key = get_key(row)
                first = first_seen.setdefault(key, line)
                if first != line:
                    self.error(line, self.key[-1], self.duplicate_message(first))
        # Reference checks run on the rows whose cells were good, so that one report lists
        # every problem; anything wrong anywhere and nothing is written.
        try:
            with transaction.atomic():
                if rows:
                    self.prepare([row for _line, row in rows])
                    for line, row in rows:
                        self.check(row, line)
                phase_done("check")
                if report.ok and rows:
                    report.add_counts(self.write([row for _line, row in rows]))
                    phase_done("write")
                if dry_run or not report.ok:
                    transaction.set_rollback(True)
            phase_done("commit")
        except DatabaseError as exc:
            report.created = report.updated = report.unchanged = 0
            report.tables = {}
            report.add_error(
                0, "", _("The database refused the file, nothing was written: %(reason)s") % {"reason": exc}
            )
        return report


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause Python's cycle collector while a file's rows are held in memory.

    A large file makes hundreds of thousands of row dicts and tuples, which set off
    full collections that walk all of them again and again: measured on 100,000
    members, a third of the import's Python time. The rows hold no reference
    cycles; whatever cycles come up meanwhile are collected once it resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _getter(names: Sequence[str]) -> Callable:
    """A fast row -> tuple of values (a 1-tuple for one name)."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    from operator import itemgetter

    return itemgetter(*names)


def rows_as_tuples(rows: Iterable[dict], names: Sequence[str]) -> list[tuple]:
    """Rows (dicts) -> tuples in the given order, e.g. ``Upsert.staging_columns``."""
    get = _getter(names)
    return [get(row) for row in rows]


# --- Upsert ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """A foreign key resolved from natural keys in SQL.

    ``name``: the target model's ForeignKey field to fill (and the alias other lookups
    use to refer to this one's id); ``match``: related model field -> staging column or
    the name of an earlier lookup; ``store=False`` for a lookup that only helps another.
    """

    name: str
    model: type[models.Model]
    match: dict[str, str]
    store: bool = True


class Upsert:
    """One set-based upsert into ``model``, keyed on ``key``, rows given as tuples in
    ``staging_columns`` order (see ``FileImport.upsert_into``).

    PostgreSQL: the rows are COPYed into a temporary staging table and written by one
    ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``, the lookups as joins. Elsewhere
    (SQLite): the lookups are resolved by query and the rows written by Django's
    ``bulk_create(update_conflicts=True)``. On both, rows that are there with the same
    values are left alone (their ``updated_at`` stays).
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        fields: Sequence[str],
        key: Sequence[str],
        lookups: Sequence[Lookup] = (),
    ):
        self.model = model
        self.fields = list(fields)
        self.lookups = list(lookups)
        self.key = list(key)
        lookup_names = {lookup.name for lookup in self.lookups}
        # Staging columns that only feed lookups (natural keys), typed like what they match.
        self._source_fields = {}
        for lookup in self.lookups:
            for related_field, source in lookup.match.items():
                if source not in lookup_names and source not in self.fields and source not in self._source_fields:
                    self._source_fields[source] = lookup.model._meta.get_field(related_field)
        self.sources = list(self._source_fields)
        # The order of a row's values handed to run().
        self.staging_columns = self.fields + self.sources
        # What is written: the fields and the stored lookups (foreign keys), keys included;
        # what is compared to tell a changed row: all of them but the key.
        self.stored = self.fields + [lookup.name for lookup in self.lookups if lookup.store]
        self.compared = [name for name in self.stored if name not in self.key]
        self.touched = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def run(self, rows: Sequence[Sequence]) -> Counts:
        """Upsert the rows (tuples in staging_columns order) in the current transaction."""
        if not rows:
            return Counts()
        if connection.vendor == "postgresql":
            return self._run_postgresql(rows)
        return self._run_bulk_create(rows)

    # PostgreSQL: COPY -> staging table -> one upsert --------------------------------
    def _run_postgresql(self, rows) -> Counts:
        q = connection.ops.quote_name
        meta = self.model._meta
        stage = q(f"_import_stage_{meta.db_table}"[:63])

        def column(name):
            return q(meta.get_field(name).column)

        def value_of(name):
            """The SQL expression of a staging column or of a lookup's id."""
            if any(lookup.name == name for lookup in self.lookups):
                return f"{q('l_' + name)}.{q('id')}"
            return f"s.{q('s_' + name)}"

        joins = " ".join(
            f"LEFT JOIN {q(lookup.model._meta.db_table)} {q('l_' + lookup.name)} ON "
            + " AND ".join(
                f"{q('l_' + lookup.name)}.{q(lookup.model._meta.get_field(f).column)} = {value_of(source)}"
                for f, source in lookup.match.items()
            )
            for lookup in self.lookups
        )
        # created_at and updated_at (when the model has them) take the time of the import.
        stamped = [f.column for f in meta.concrete_fields if getattr(f, "auto_now_add", False)]
        stamped += [meta.get_field(name).column for name in self.touched]
        targets = ", ".join([q(c) for c in stamped] + [column(name) for name in self.stored])
        values = ", ".join(["%s"] * len(stamped) + [value_of(name) for name in self.stored])
        # Rows already there with the same values are dropped by a join before the
        # INSERT: an unchanged row then costs a hash-join probe, not a speculative
        # insertion that conflicts. ON CONFLICT stays for rows another import adds meanwhile.
        current = " AND ".join(f"cur.{column(name)} = {value_of(name)}" for name in self.key)
        keep = f"cur.{q(meta.pk.column)} IS NULL"
        if self.compared:
            old = ", ".join(f"cur.{column(name)}" for name in self.compared)
            new = ", ".join(value_of(name) for name in self.compared)
            keep += f" OR ({old}) IS DISTINCT FROM ({new})"
            assignments = ", ".join(f"{c} = excluded.{c}" for c in map(column, self.compared + self.touched))
            differs = "({}) IS DISTINCT FROM ({})".format(
                ", ".join(f"t.{column(name)}" for name in self.compared),
                ", ".join(f"excluded.{column(name)}" for name in self.compared),
            )
            on_conflict = f"DO UPDATE SET {assignments} WHERE {differs}"  # nosec B608 - model identifiers only
        else:
            on_conflict = "DO NOTHING"
        # Identifiers come from model metadata, never from the file; values go through COPY.
        insert = (
            f"WITH written AS (INSERT INTO {q(meta.db_table)} AS t ({targets}) "  # noqa: S608  # nosec B608
            f"SELECT {values} FROM {stage} s {joins} LEFT JOIN {q(meta.db_table)} cur ON {current} WHERE {keep} "
            f"ON CONFLICT ({', '.join(column(name) for name in self.key)}) {on_conflict} "
            "RETURNING (xmax = 0) AS created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({', '.join(self._staging_types(q))}) ON COMMIT DROP")
            # Binary COPY, each value sent as its staging column's type: about half the
            # time of text COPY (no formatting of dates and numbers as text).
            cursor.execute(
                "SELECT atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
                [stage],
            )
            types = [oid for (oid,) in cursor.fetchall()]
            columns = ", ".join(q("s_" + name) for name in self.staging_columns)
            with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
            cursor.execute(insert, [timezone.now()] * len(stamped))
            created, updated = cursor.fetchone()
            cursor.execute(f"DROP TABLE {stage}")
        return Counts(created, updated, len(rows) - created - updated)

    def _staging_types(self, q) -> list[str]:
        types = []
        for name in self.staging_columns:
            model_field = self.model._meta.get_field(name) if name in self.fields else self._source_fields[name]
            if isinstance(model_field, models.ForeignKey):
                model_field = model_field.target_field
            if isinstance(model_field, models.IntegerField):
                # psycopg's binary smallint/integer/bigint writers wrap a number too large
                # for the type without a word; numeric keeps it exact and the INSERT's
                # cast to the column refuses it, as text COPY would have.
                db_type = "numeric"
            elif model_field.primary_key:
                db_type = model_field.rel_db_type(connection)
            else:
                db_type = model_field.db_type(connection)
            types.append(f"{q('s_' + name)} {db_type}")
        return types

    # Elsewhere: lookups by query, unchanged rows left out, bulk_create for the rest ----
    def _run_bulk_create(self, rows) -> Counts:
        meta = self.model._meta
        records = [dict(zip(self.staging_columns, row, strict=True)) for row in rows]
        for lookup in self.lookups:
            ids = _ids_by_natural_key(lookup, records)
            sources = list(lookup.match.values())
            for record in records:
                record[lookup.name] = ids.get(tuple(record[source] for source in sources))
        # Foreign keys compare and are written as ids (attname: policy_id).
        attnames = {name: meta.get_field(name).attname for name in self.stored}
        key = [attnames[name] for name in self.key]
        compared = [attnames[name] for name in self.compared]
        existing = _rows_by_key(self.model, key, {tuple(r[n] for n in self.key) for r in records}, compared)
        by_key = _getter(key)
        new, changed = [], []
        for record in records:
            values = {attnames[name]: record[name] for name in self.stored}
            before = existing.get(by_key(values))
            if before is None:
                new.append(self.model(**values))
            elif before != tuple(values[name] for name in compared):
                changed.append(self.model(**values))
        if new or changed:
            self.model._default_manager.bulk_create(
                new + changed,
                update_conflicts=bool(self.compared),
                ignore_conflicts=not self.compared,
                unique_fields=self.key if self.compared else None,
                update_fields=self.compared + self.touched if self.compared else None,
            )
        return Counts(len(new), len(changed), len(rows) - len(new) - len(changed))


def _ids_by_natural_key(lookup: Lookup, records: list[dict]) -> dict[tuple, int]:
    """{natural key values (lookup.match order): id} of the lookup's model, for the records' keys."""
    related = [lookup.model._meta.get_field(name).attname for name in lookup.match]
    wanted = {tuple(record[source] for source in lookup.match.values()) for record in records}
    return {key: row[0] for key, row in _rows_by_key(lookup.model, related, wanted, ["id"]).items()}


def _rows_by_key(model, names: list[str], keys: set[tuple], columns: list[str]) -> dict[tuple, tuple]:
    """{key: values of `columns`} of the model's rows whose `names` are one of `keys`.

    One query per chunk of the key part with the most distinct values (a participant
    number, not the policy it belongs to).
    """
    if not keys:
        return {}
    part = max(range(len(names)), key=lambda index: len({key[index] for key in keys}))
    found = {}
    for chunk in sql_in_chunks({key[part] for key in keys}):
        for row in model._default_manager.filter(**{f"{names[part]}__in": chunk}).values_list(*names, *columns):
            key = tuple(row[: len(names)])
            if key in keys:
                found[key] = tuple(row[len(names) :])
    return found


__all__ = [
    "BIGINT_MAX",
    "INTEGER_MAX",
    "MAX_REPORTED_ERRORS",
    "Column",
    "Counts",
    "FileImport",
    "ImportFileError",
    "ImportReport",
    "Lookup",
    "RowError",
    "Table",
    "Upsert",
    "boolean",
    "cell_text",
    "choice",
    "clean_rows",
    "date",
    "email",
    "integer",
    "money",
    "normalise_header",
    "percent",
    "read_rows",
    "read_table",
    "rows_as_tuples",
    "text",
]

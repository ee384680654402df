"""Cached reads: what an API call reads from tables that change seldom, kept in the cache
(Redis in production) until one of those tables is written to.

Members read their policies, benefits, cards and claims far more often than anything
writes them (imports, linking, a claim decision), and building those answers costs
several ORM queries a call. An answer is cached under its name, the person (with every
field of their account), the language and the arguments, tagged with a *generation* of
every table it reads. An API view opts in under its route:

    @router.get("/members/{int:member_id}/benefits", response=BenefitsOut)
    @cached("policies.benefits", tables=["accounts.PolicyLink", "policies.Member", ...], daily=True)
    def member_benefits(request, member_id: int): ...

and any other read goes through `read(name, tables=..., key=..., build=...)`.

Any INSERT, UPDATE, DELETE, TRUNCATE or DROP of a table, whoever sends it (the ORM, a
queryset update, an importer's raw SQL), gives that table a new generation, at once
and again when the transaction commits, so a cached read tagged with the old one is
never served again. The SQL every connection sends is watched for this by an execute
wrapper (installed for every connection when the app starts).

`tables` must name every table the build reads: under DEBUG and in tests a build that
reads another table raises ReadCacheError, and elsewhere it is served but not cached,
so a forgotten table can only cost speed, never serve stale data.
"""

import functools
import hashlib
import logging
import re
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone, translation
from ninja.decorators import decorate_view

logger = logging.getLogger(__name__)

_WRITE = re.compile(
    # INSERT OR IGNORE: SQLite's bulk_create(ignore_conflicts=True).
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)"
    r'\s+"?(\w+)"?',
    re.I,
)
# A write inside a WITH statement (the importers' INSERT ... RETURNING in a CTE).
_WRITE_IN_WITH = re.compile(r'\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?|\(\s*UPDATE\s+"?(\w+)"?', re.I)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.I)
_GENERATION_KEY = "readcache:generation:{}"
_VALUE_KEY = "readcache:value:{}:{}:{}"
# Reads are kept at most this long even when nothing writes (memory, and any write made
# outside Django's connections, e.g. by psql, is picked up by then).
VALUE_TIMEOUT = 60 * 60


class ReadCacheError(Exception):
    pass


def _table_name(table) -> str:
    """A model, a model label ("policies.Member") or a table name."""
    if isinstance(table, str) and "." in table:
        table = apps.get_model(table)
    return table._meta.db_table if isinstance(table, type) and issubclass(table, Model) else str(table)


def _enabled() -> bool:
    return getattr(settings, "READ_CACHE_ENABLED", True)


# --- Writes: a new generation for every table written --------------------------------


def tables_changed(tables) -> None:
    """Give these tables a new generation: every cached read of them is out of date."""
    names = {_table_name(table) for table in tables}
    if names:
        stamp = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        cache.set_many({_GENERATION_KEY.format(name): stamp for name in names}, timeout=None)


def table_written(connection, table) -> None:
    """Record a write to `table` on `connection`: a new generation at once (readers inside
    this transaction see the write) and again at commit (a reader elsewhere that cached the
    old rows between the two is not served them afterwards). The watcher below calls this
    for every statement; code that writes through the database driver itself (sqlite3's
    executemany, psycopg's COPY) calls it too."""
    tables_changed([table])
    if connection.in_atomic_block:
        connection.on_commit(lambda: tables_changed([table]))


def _tables_written(sql: str) -> list[str]:
    if (match := _WRITE.match(sql)) is not None:
        return [match.group(1)]
    if sql.lstrip()[:4].upper() == "WITH":
        return [insert_or_delete or update for insert_or_delete, update in _WRITE_IN_WITH.findall(sql)]
    return []


def _write_watcher(execute, sql, params, many, context):
    tables = _tables_written(sql) if isinstance(sql, str) else []
    try:
        return execute(sql, params, many, context)
    finally:
        for table in tables:
            table_written(context["connection"], _table_name(table))


def watch_writes(connection, **kwargs):
    """connection_created: watch this connection's writes (satuklik.core.apps)."""
    # First in the list, not last: `with connection.execute_wrapper(...)` pops the last
    # wrapper on exit, which would be this one if the connection opened inside the block.
    if _write_watcher not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _write_watcher)


# --- Reads ---------------------------------------------------------------------------


class _TableReads:
    """Collects the tables the queries read on every connection, from start() to stop()."""

    def __init__(self):
        self.names: set[str] = set()
        self.connections = []

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str):
            self.names.update(_READ.findall(sql))
        return execute(sql, params, many, context)

    def start(self):
        self.connections = connections.all()
        for connection in self.connections:
            connection.execute_wrappers.insert(0, self)  # see watch_writes

    def stop(self):
        for connection in self.connections:
            if self in connection.execute_wrappers:
                connection.execute_wrappers.remove(self)
        self.connections = []


def _generations(names: list[str], found: dict) -> tuple:
    missing = {key: f"new-{uuid.uuid4().hex}" for name in names if (key := _GENERATION_KEY.format(name)) not in found}
    if missing:
        # Never written since the cache started (or evicted): a fresh generation, so
        # nothing cached before it can match.
        for key, stamp in missing.items():
            cache.add(key, stamp, timeout=None)
        found = {**found, **cache.get_many(list(missing))}
    return tuple(found.get(_GENERATION_KEY.format(name)) for name in names)


class _Entry:
    """One cached answer: looked up with the generations of its tables in one round trip;
    on a miss, the tables the build reads are watched until it is stored."""

    def __init__(self, name: str, tables, key):
        self.name = name
        self.tables = sorted({_table_name(table) for table in tables})
        parts = "\n".join([translation.get_language() or "", *(str(part) for part in key)])
        digest = hashlib.sha256(parts.encode()).hexdigest()
        self.key = _VALUE_KEY.format(settings.READ_CACHE_RELEASE, name, digest)
        self.generations = ()
        self.reads = _TableReads()

    def lookup(self):
        """The cached value (None on a miss); a miss starts watching the tables read."""
        found = cache.get_many([self.key, *(_GENERATION_KEY.format(table) for table in self.tables)])
        self.generations = _generations(self.tables, found)
        cached = found.get(self.key)
        if cached is not None and cached[0] == self.generations:
            return cached[1]
        self.reads.start()
        return None

    def store(self, value) -> None:
        """Keep the value, unless the build read a table the entry does not name."""
        self.reads.stop()
        undeclared = self.reads.names - set(self.tables)
        if undeclared:
            message = f"read cache {self.name!r} read tables it does not name: {', '.join(sorted(undeclared))}"
            if settings.DEBUG or getattr(settings, "READ_CACHE_STRICT", False):
                raise ReadCacheError(message)
            logger.warning(message)
            return
        cache.set(self.key, (self.generations, value), timeout=VALUE_TIMEOUT)


def read(name: str, *, tables, key, build):
    """build()'s result, from the cache while none of `tables` has been written since.

    key: what else the answer depends on (the person, the arguments); the language is
    added here. build() must return something picklable (dicts, lists, model instances).
    """
    if not _enabled():
        return build()
    entry = _Entry(name, tables, key)
    value = entry.lookup()
    if value is not None:
        return value
    try:
        value = build()
    except BaseException:
        entry.reads.stop()
        raise
    entry.store(value)
    return value


def person_key(user) -> tuple:
    """The person and every field of their account: a build may use any (the selected
    policy, the language...), and request.user is always read fresh (session or token)."""
    return (user.pk, *(field.value_from_object(user) for field in user._meta.concrete_fields))


def _key_part(value) -> str:
    return repr(value.model_dump() if hasattr(value, "model_dump") else value)


def cached(name: str, *, tables, per_person: bool = True, daily: bool = False):
    """Cache a django-ninja view's response: per signed-in person unless per_person is
    False (public data), per calendar day when the answer depends on today's date, and
    per argument (path and query parameters). Authentication and parameter checks run
    on every call.

    What is kept is the response ninja made of the view's result (validated against the
    operation's response schema and rendered to JSON), so a cached answer skips the ORM
    and the serialisation alike: the view returns it as an HttpResponse, which ninja
    passes through; on a miss, the wrapper around ninja's run (decorate_view) stores
    the response ninja rendered.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, **kwargs):
            if not _enabled():
                return view(request, **kwargs)
            # The host too: answers may hold absolute URLs (build_absolute_uri).
            key = [person_key(request.user) if per_person else "-", request.scheme, request.get_host()]
            if daily:
                key.append(timezone.localdate().isoformat())
            key += [f"{arg}={_key_part(value)}" for arg, value in sorted(kwargs.items())]
            entry = _Entry(name, tables, key)
            found = entry.lookup()
            if found is not None:
                status, content_type, content = found
                return HttpResponse(content, status=status, content_type=content_type)
            request._readcache_entry = entry
            return view(request, **kwargs)

        def store_response(run):
            @functools.wraps(run)
            def run_and_store(request, *args, **kwargs):
                try:
                    response = run(request, *args, **kwargs)
                finally:
                    entry = request.__dict__.pop("_readcache_entry", None)
                    if entry is not None:
                        entry.reads.stop()
                if entry is not None and response.status_code == 200:
                    entry.store((response.status_code, response["Content-Type"], response.content))
                return response

            return run_and_store

        return decorate_view(store_response)(wrapper)

    return decorate

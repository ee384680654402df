"""Cached reads: what an API call reads from tables that change seldom, kept in the cache
(Redis in production) until one of those tables is written to.

Members read their policies, benefits, cards and claims far more often than anything
writes them (imports, linking, a claim decision), and building those answers costs
several ORM queries a call. A read is cached under its name, the person and the
language, tagged with a *generation* of every table it reads:

    return readcache.read(
        "policies.list", tables=[PolicyLink, Member, Policy], key=(request.user.pk,),
        build=lambda: [...],
    )

Any INSERT, UPDATE, DELETE or TRUNCATE of a table, whoever sends it (the ORM, a
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
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.I)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.I)
_GENERATION_KEY = "readcache:generation:{}"
_VALUE_KEY = "readcache:value:{}:{}"
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


def _write_watcher(execute, sql, params, many, context):
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match is None:
        return execute(sql, params, many, context)
    table = match.group(1)
    try:
        return execute(sql, params, many, context)
    finally:
        tables_changed([table])  # readers inside this transaction see the write
        connection = context["connection"]
        if connection.in_atomic_block:
            # Readers elsewhere see it at commit; one that read between the two would
            # have cached the old rows under the first new generation.
            connection.on_commit(lambda: tables_changed([table]))


def watch_writes(connection, **kwargs):
    """connection_created: watch this connection's writes (satuklik.core.apps)."""
    if _write_watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(_write_watcher)


# --- Reads ---------------------------------------------------------------------------


@contextmanager
def _tables_read(names: set):
    """Collect the tables the queries inside read, on every connection."""

    def reader(execute, sql, params, many, context):
        if isinstance(sql, str):
            names.update(_READ.findall(sql))
        return execute(sql, params, many, context)

    wrapped = connections.all()
    for connection in wrapped:
        connection.execute_wrappers.append(reader)
    try:
        yield
    finally:
        for connection in wrapped:
            connection.execute_wrappers.remove(reader)


def _generations(names: list[str], found: dict) -> tuple:
    missing = {key: f"new-{uuid.uuid4().hex}" for name in names if (key := _GENERATION_KEY.format(name)) not in found}
    if missing:
        # Never written since the cache started (or evicted): a fresh generation, so
        # nothing cached before it can match.
        for key, stamp in missing.items():
            cache.add(key, stamp, timeout=None)
        found = {**found, **cache.get_many(list(missing))}
    return tuple(found.get(_GENERATION_KEY.format(name)) for name in names)


def read(name: str, *, tables, key, build):
    """build()'s result, from the cache while none of `tables` has been written since.

    key: what else the answer depends on (the person, the arguments); the language is
    added here. build() must return something picklable (dicts, lists, model instances).
    """
    if not _enabled():
        return build()
    names = sorted({_table_name(table) for table in tables})
    parts = "\n".join([translation.get_language() or "", *(str(part) for part in key)])
    value_key = _VALUE_KEY.format(name, hashlib.sha256(parts.encode()).hexdigest())
    found = cache.get_many([value_key, *(_GENERATION_KEY.format(table) for table in names)])
    generations = _generations(names, found)
    cached = found.get(value_key)
    if cached is not None and cached[0] == generations:
        return cached[1]

    read_tables: set[str] = set()
    with _tables_read(read_tables):
        value = build()
    undeclared = read_tables - set(names)
    if undeclared:
        message = f"read cache {name!r} read tables it does not name: {', '.join(sorted(undeclared))}"
        if settings.DEBUG or getattr(settings, "READ_CACHE_STRICT", False):
            raise ReadCacheError(message)
        logger.warning(message)
        return value
    cache.set(value_key, (generations, value), timeout=VALUE_TIMEOUT)
    return value


def person_key(user) -> tuple:
    """The person and every field of their account: a build may use any (the selected
    policy, the language...), and request.user is always read fresh (session or token)."""
    return (user.pk, *(field.value_from_object(user) for field in user._meta.concrete_fields))


def _key_part(value) -> str:
    return repr(value.model_dump() if hasattr(value, "model_dump") else value)


def cached(name: str, *, tables, per_person: bool = True, daily: bool = False):
    """Cache an API view's answer with read(): per signed-in person unless per_person is
    False (public data), per calendar day when the answer depends on today's date, and
    per argument (path and query parameters)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, **kwargs):
            key = [person_key(request.user) if per_person else "-"]
            if daily:
                key.append(timezone.localdate().isoformat())
            key += [f"{arg}={_key_part(value)}" for arg, value in sorted(kwargs.items())]
            return read(name, tables=tables, key=key, build=lambda: view(request, **kwargs))

        return wrapper

    return decorate

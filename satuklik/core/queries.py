"""Query helpers every app may use (the ground floor: imports nothing of ours)."""

from collections.abc import Iterable, Iterator

# Values per `IN (...)` list: well under SQLite's (32,766) and PostgreSQL's (65,535)
# limits on parameters, with room for the query's other parameters.
CHUNK_SIZE = 2000


def sql_in_chunks(values: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    """Split values for `field__in=` queries, one list per query."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]

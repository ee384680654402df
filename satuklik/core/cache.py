"""Cache backends: Django's Redis cache keeping one client per connection pool, and
Django's database cache with an atomic incr (the embedded default, below).

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call, and
building one (its response-callback tables) costs more than the call's round trip on
this hardware: about 0.1 ms, twice per API request. A Redis client is thread-safe and
its connections come from the pool either way, so one per pool is enough.
"""

from django.core.cache.backends import db as db_cache
from django.core.cache.backends import redis as django_redis
from django.db import connections, router, transaction


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class DatabaseCache(db_cache.DatabaseCache):
    """Django's database cache with an incr that counts every call across processes.

    The embedded default (scripts/run: two gunicorn workers on SQLite, no Redis) keeps
    throttles and lockouts here, so that every worker sees one count. Django's incr reads
    the value and writes value + delta: two workers counting a wrong password at the same
    moment both read 4 and both write 5. Here a no-op UPDATE of the row comes first, in the
    same transaction: it takes the row lock on PostgreSQL and the database's write lock on
    SQLite, so the read and the write that follow are never interleaved with another's.
    (The value is pickled, so the addition itself cannot be done in SQL.)
    """

    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        table = connections[db].ops.quote_name(self._table)
        with transaction.atomic(using=db):
            with connections[db].cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET expires = expires WHERE cache_key = %s",  # noqa: S608  # nosec B608
                    [self.make_and_validate_key(key, version=version)],
                )
            return super().incr(key, delta, version)

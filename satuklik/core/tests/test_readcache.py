"""The read cache: an answer is served from the cache until a table it reads is written,
however the write is made, and never built from a table it does not name."""

import pytest
from django.db import connection, transaction
from django.utils import translation

from satuklik.core import readcache
from satuklik.policies.models import Plan, PolicyHolder
from satuklik.policies.tests.factories import PlanFactory, PolicyHolderFactory

pytestmark = pytest.mark.django_db


class Holders:
    """A cached read of the policyholders' names that counts how often it is built."""

    def __init__(self):
        self.builds = 0

    def build(self):
        self.builds += 1
        return list(PolicyHolder.objects.order_by("code").values_list("name", flat=True))

    def read(self):
        return readcache.read("test.holders", tables=[PolicyHolder], key=["all"], build=self.build)


@pytest.fixture
def holders():
    PolicyHolderFactory(code="A", name="PT ABCDE SEJATI")
    return Holders()


def test_served_from_the_cache_without_a_query(holders, django_assert_num_queries):
    assert holders.read() == ["PT ABCDE SEJATI"]
    with django_assert_num_queries(0):
        assert holders.read() == ["PT ABCDE SEJATI"]
    assert holders.builds == 1


def test_an_orm_save_is_seen_at_once(holders):
    holders.read()
    holder = PolicyHolder.objects.get(code="A")
    holder.name = "PT ABCDE SEJAHTERA"
    holder.save()
    assert holders.read() == ["PT ABCDE SEJAHTERA"]


def test_a_queryset_update_delete_and_bulk_create_are_seen(holders):
    holders.read()
    PolicyHolder.objects.filter(code="A").update(name="PT BARU")
    assert holders.read() == ["PT BARU"]
    PolicyHolder.objects.bulk_create([PolicyHolder(code="B", name="PT KEDUA")])
    assert holders.read() == ["PT BARU", "PT KEDUA"]
    PolicyHolder.objects.filter(code="A").delete()
    assert holders.read() == ["PT KEDUA"]


def test_raw_sql_is_seen(holders):
    holders.read()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE policies_policyholder SET name = %s WHERE code = %s", ["PT MENTAH", "A"])
    assert holders.read() == ["PT MENTAH"]


def test_a_write_to_another_table_keeps_the_cached_answer(holders):
    PlanFactory()
    holders.read()
    Plan.objects.update(name="Plan X")
    holders.read()
    assert holders.builds == 1


def test_each_language_and_key_has_its_own_answer(holders):
    def label():
        return readcache.read("test.label", tables=[], key=["x"], build=lambda: translation.gettext("Claims"))

    with translation.override("en"):
        english = label()
    with translation.override("id"):
        indonesian = label()
    assert english == "Claims" and indonesian != english


def test_a_commit_gives_the_table_a_new_generation_again(holders, django_capture_on_commit_callbacks):
    holders.read()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        PolicyHolder.objects.filter(code="A").update(name="PT DALAM TRANSAKSI")
        # Inside the transaction the writer's own reads are fresh...
        assert holders.read() == ["PT DALAM TRANSAKSI"]
    builds = holders.builds
    # ...and at commit the generation moves again: a reader elsewhere that cached the old
    # rows between the write and the commit is not served them afterwards.
    for callback in callbacks:
        callback()
    holders.read()
    assert holders.builds == builds + 1


def test_a_build_that_reads_a_table_it_does_not_name_fails_in_tests(holders):
    with pytest.raises(readcache.ReadCacheError, match="policies_policyholder"):
        readcache.read("test.undeclared", tables=[Plan], key=[], build=holders.build)


def test_outside_strict_mode_an_undeclared_read_is_served_but_never_cached(holders, settings):
    settings.READ_CACHE_STRICT = False
    for _ in range(2):
        assert readcache.read("test.undeclared", tables=[Plan], key=[], build=holders.build) == ["PT ABCDE SEJATI"]
    assert holders.builds == 2


def test_switched_off_every_read_is_built(holders, settings):
    settings.READ_CACHE_ENABLED = False
    holders.read()
    holders.read()
    assert holders.builds == 2


def test_an_import_from_the_core_system_is_seen_at_once(settings):
    # The importer writes with raw SQL (COPY and INSERT ... ON CONFLICT on PostgreSQL).
    from satuklik.policies.importing.services import core_file_import
    from satuklik.policies.models import Member
    from satuklik.policies.tests.test_import import SAMPLES, import_samples

    import_samples("policyholders", "policies", "plans", "members")

    def jane():
        return readcache.read(
            "test.jane",
            tables=[Member],
            key=[],
            build=lambda: Member.objects.get(participant_number="87654321").full_name,
        )

    assert jane() == "JANE RAILEY"
    text = (SAMPLES / "04_members.csv").read_text().replace("JANE RAILEY", "JANE RAILEY PUTRI")
    assert core_file_import(kind="members", file=text.encode(), file_name="members.csv").ok
    assert jane() == "JANE RAILEY PUTRI"


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "claims_claim" ("number") VALUES (%s)', ["claims_claim"]),
        ('INSERT OR IGNORE INTO "policies_plan" ("code") VALUES (%s)', ["policies_plan"]),
        ('UPDATE "policies_member" SET "full_name" = %s', ["policies_member"]),
        ('DELETE FROM "accounts_apitoken" WHERE "id" = %s', ["accounts_apitoken"]),
        ('TRUNCATE "providers_provider"', ["providers_provider"]),
        ('DROP TABLE IF EXISTS "claims_claim" CASCADE', ["claims_claim"]),
        ('WITH written AS (INSERT INTO "policies_member" AS t SELECT 1 ON CONFLICT DO UPDATE SET x = 1) SELECT 1',
         ["policies_member"]),
        ('SELECT "id" FROM "claims_claim" FOR UPDATE', []),
        ('SELECT 1 FROM "policies_member" WHERE "full_name" = \'UPDATE x\'', []),
    ],
)  # fmt: skip
def test_which_statements_are_writes(sql, tables):
    assert readcache._tables_written(sql) == tables


def test_the_write_watcher_never_takes_the_place_of_another_wrapper():
    # Django's execute_wrapper() pops the last wrapper on exit; a connection opened inside
    # the block must not leave the block's wrapper installed and lose the watcher.
    def spy(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    connection.ensure_connection()
    connection.execute_wrappers.remove(readcache._write_watcher)
    with connection.execute_wrapper(spy):
        readcache.watch_writes(connection)  # as connection_created does when the block opens the connection
    assert spy not in connection.execute_wrappers
    assert readcache._write_watcher in connection.execute_wrappers


@pytest.mark.django_db(transaction=True)
def test_an_answer_read_while_another_transaction_writes_is_not_served_after_its_commit():
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite serialises writers)")
    PolicyHolderFactory(code="A", name="PT LAMA")
    holders = Holders()
    written, read_done = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                PolicyHolder.objects.filter(code="A").update(name="PT BARU")
                written.set()
                read_done.wait(10)  # commit only after the other connection has cached its read
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    # Under the generation the write gave the table, but reading the rows committed so far.
    assert holders.read() == ["PT LAMA"]
    read_done.set()
    thread.join(10)
    assert holders.read() == ["PT BARU"]  # the commit gave the table another generation

"""On PostgreSQL: a pg_trgm GIN index so name searches (LIKE '%word%') use an index.

SQLite has no such index and scans search_name (measured in
benchmarks/results/providers.md). If the extension cannot be created (no privilege),
the migration carries on without the index: searches stay correct, only slower.
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "provider_search_name_trgm_idx"


def create_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON providers_provider USING gin (search_name gin_trgm_ops)"
                )
    except Exception as exc:  # noqa: BLE001 - an optional speed-up must not block deployment
        logger.warning("pg_trgm index not created (%s); name searches will scan the table", exc)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]

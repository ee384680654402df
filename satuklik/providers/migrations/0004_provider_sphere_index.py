"""On PostgreSQL: the cube extension and a GiST index of each active provider's point on
the unit sphere, which answers "nearest first" (ORDER BY point <-> origin LIMIT n) by
reading only the rows returned (selectors.nearest_on_sphere).

What the production database needs: the `cube` extension, which ships with PostgreSQL
(Debian: in the postgresql package; managed services list it). It is a trusted
extension (PostgreSQL 13 and later), so the database's owner, or any role with CREATE
on the database, can create it: no superuser needed. If the role that migrates has
neither, a superuser runs `CREATE EXTENSION cube;` in the database once, then the
migration goes through. (`earthdistance`, often paired with cube, is not trusted and is
not used.)

SQLite needs nothing: nearest searches a (latitude, longitude) b-tree with boxes there.
The expression must stay the same as selectors.SPHERE_POINT_SQL, or the planner will not
use the index (a test checks the plan).
"""

from django.db import migrations, transaction

INDEX = "provider_sphere_point_idx"
SPHERE_POINT = (
    "cube(ARRAY[cos(radians(latitude)) * cos(radians(longitude)), "
    "cos(radians(latitude)) * sin(radians(longitude)), "
    "sin(radians(latitude))])"
)
NEEDS_CUBE = (
    "Satuklik needs PostgreSQL's cube extension for the nearest-provider index, and the "
    "migrating role could not create it ({error}). Either migrate as the database's owner "
    "(cube is a trusted extension: a database owner may create it), grant CREATE on the "
    "database to this role, or have a superuser run `CREATE EXTENSION cube;` in this "
    "database once; then migrate again. On Debian the extension ships in the postgresql "
    "package (postgresql-contrib on older releases)."
)


def create_sphere_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'cube'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION cube")
            except Exception as exc:
                raise RuntimeError(NEEDS_CUBE.format(error=str(exc).strip())) from exc
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON providers_provider USING gist ({SPHERE_POINT}) WHERE active"
        )


def drop_sphere_index(apps, schema_editor):
    # The extension stays: other objects may use it, and keeping it is harmless.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("providers", "0003_lat_lng_covering_index")]

    operations = [migrations.RunPython(create_sphere_index, drop_sphere_index)]

"""manage.py seed_demo: the demo data set (satuklik.demo), built in a fixed order.

    manage.py seed_demo                 # build what is missing (quick no-op when all is there)
    manage.py seed_demo --members 50    # a small data set (tests)
    manage.py seed_demo --reset         # drop every table, migrate again, build everything

Every builder must be idempotent and quick when its data is already there (scripts/run
calls seed_demo on every start).
"""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from satuklik.core import roles
from satuklik.demo.accounts import build_demo_accounts, staff_setup
from satuklik.demo.claims import build_demo_claims
from satuklik.demo.policies import DEFAULT_MEMBERS, build_demo_policies
from satuklik.demo.providers import build_demo_providers

# In order: later builders use earlier ones' rows.
BUILDERS = [
    (build_demo_policies, {"members", "today"}),  # the insurer's data and the PERSONAS
    (build_demo_providers, set()),  # partner hospitals, in the network of the plans above
    (build_demo_accounts, set()),  # pre-registered personas (reads PERSONAS) and the staff's TOTP
    (build_demo_claims, {"today"}),  # the personas' claims, card, notifications; the officer's queue
]


def database_rebuild():
    """Drop every table of the default database and migrate again: a fresh database.

    Not `flush`: that empties tables but loses the reference rows that data migrations
    wrote (claim reason codes, public holidays, ...); migrating again writes them anew.
    """
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        quote = connection.ops.quote_name
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            # Deferred foreign-key checks still pending in this transaction would block DROP.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
    call_command("migrate", interactive=False, verbosity=0)


class Command(BaseCommand):
    help = "Load the demo data set (personas, employers, members, policies, DPLK, staff). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"group principals to invent besides the personas (default {DEFAULT_MEMBERS})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="drop EVERY table of the database and migrate again first, then build everything",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo creates users with published passwords: it runs in demo mode only.")
        if options["members"] < 0:
            raise CommandError("--members must be 0 or more")
        verbose = options["verbosity"] > 0
        started = time.monotonic()
        if options["reset"]:
            self.stdout.write("Dropping every table and migrating again (--reset)...")
            database_rebuild()
        roles.roles_setup()
        available = {"members": options["members"], "today": timezone.localdate()}
        for builder, arguments in BUILDERS:
            began = time.monotonic()
            with transaction.atomic():
                result = builder(**{name: available[name] for name in arguments})
            if verbose:
                if isinstance(result, dict):
                    done = ", ".join(f"{k}={v}" for k, v in result.items()) or "already there"
                else:
                    done = "done"
                self.stdout.write(f"{builder.__name__}: {done} ({time.monotonic() - began:.1f} s)")
        with transaction.atomic():
            created = staff_setup()
        if verbose and created:
            self.stdout.write(f"staff users created: {', '.join(created)}")
        if verbose:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s"))

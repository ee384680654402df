"""manage.py seed_demo: the demo data set, built by each app's builder in a fixed order.

    manage.py seed_demo                 # build what is missing (quick no-op when all is there)
    manage.py seed_demo --members 50    # a small data set (tests)
    manage.py seed_demo --reset         # drop every table, migrate again, build everything

Every builder must be idempotent and quick when its data is already there (scripts/run
calls seed_demo on every start). A builder whose module does not exist yet is skipped.
"""

import importlib
import inspect
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from satuklik.core import roles
from satuklik.policies.demo import DEFAULT_MEMBERS

# The builders, in the order they run (later ones may use earlier ones' rows): module
# and function. Later issues add theirs here, e.g. ("satuklik.claims.demo", "build_demo_claims").
BUILDERS = [
    ("satuklik.policies.demo", "build_demo_policies"),  # the insurer's data and the PERSONAS
    ("satuklik.providers.demo", "build_demo_providers"),  # partner hospitals
    ("satuklik.accounts.demo", "build_demo_accounts"),  # pre-registered personas (reads PERSONAS)
    ("satuklik.claims.demo", "build_demo_claims"),
    ("satuklik.content.demo", "build_demo_content"),
    ("satuklik.telemedicine.demo", "build_demo_telemedicine"),
]

# Back-office staff of the demo (docs/demo.md). Passwords are public: demo mode only.
STAFF = [
    # username, password, full name, role, superuser
    ("admin", "Admin-Pass-2026!", "Admin Satuklik", roles.ADMINISTRATOR, True),
    ("klaim", "Klaim-Pass-2026!", "Rina Klaim", roles.CLAIMS_OFFICER, False),
    ("layanan", "Layanan-Pass-2026!", "Budi Layanan", roles.CUSTOMER_SERVICE, False),
    ("konten", "Konten-Pass-2026!", "Sari Konten", roles.CONTENT_EDITOR, False),
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


def load_builder(module_name: str, function_name: str):
    """The builder function, or None when its module or function does not exist (yet)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing builder module is skipped; a broken import inside it is a bug.
        if exc.name in {module_name, module_name.rpartition(".")[0]}:
            return None
        raise
    return getattr(module, function_name, None)


def call_builder(builder, **available):
    """Call a builder with the keyword arguments it declares among `available`."""
    parameters = inspect.signature(builder).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return builder(**available)
    return builder(**{name: value for name, value in available.items() if name in parameters})


def staff_setup() -> list[str]:
    """Create the demo staff users that are missing; return the usernames created."""
    User = get_user_model()
    created = []
    for username, password, full_name, role, superuser in STAFF:
        if User.objects.filter(username__iexact=username).exists():
            continue
        first, _, last = full_name.partition(" ")
        user = User(
            username=username,
            email=f"{username}@satuklik.example",
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        if hasattr(user, "full_name"):
            user.full_name = full_name
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append(username)
    return created


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
        available = {"members": options["members"], "today": timezone.localdate(), "stdout": self.stdout}
        for module_name, function_name in BUILDERS:
            builder = load_builder(module_name, function_name)
            if builder is None:
                continue
            began = time.monotonic()
            with transaction.atomic():
                result = call_builder(builder, **available)
            if verbose:
                if isinstance(result, dict):
                    done = ", ".join(f"{k}={v}" for k, v in result.items()) or "already there"
                else:
                    done = "done"
                self.stdout.write(f"{module_name}.{function_name}: {done} ({time.monotonic() - began:.1f} s)")
        with transaction.atomic():
            created = staff_setup()
        if verbose and created:
            self.stdout.write(f"staff users created: {', '.join(created)}")
        if verbose:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s"))

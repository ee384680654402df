from django.core.management.base import BaseCommand

from satuklik.core.roles import roles_setup


class Command(BaseCommand):
    help = "Create or update the back-office staff roles (groups and permissions) from satuklik/core/roles.py."

    def handle(self, *args, **options):
        result = roles_setup(verbosity=options["verbosity"], stdout=self.stdout)
        self.stdout.write(", ".join(f"{role}: {count}" for role, count in result.items()))

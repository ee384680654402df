import datetime

from django.core.management.base import BaseCommand

from satuklik.claims.services import uploads_sweep


class Command(BaseCommand):
    help = (
        "Delete claim document files that no committed document references (a worker killed "
        "mid-upload), once older than the grace period. Run it every 15 minutes (docs/claims.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60, help="grace period (default 60)")

    def handle(self, *args, older_than_minutes, **options):
        swept = uploads_sweep(older_than=datetime.timedelta(minutes=older_than_minutes))
        self.stdout.write(f"{swept} orphan file(s) deleted")

"""import_providers <file> [--dry-run]: load the partner directory from CSV or XLSX.

All rows or none; the report lists every bad line. The run is kept in the import
history (back office: Import runs). Exits with status 1 when the file had errors.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from satuklik.policies.importing.models import ImportRun
from satuklik.policies.importing.services import import_run_record
from satuklik.providers.services import providers_import


class Command(BaseCommand):
    help = "Import the partner provider directory: import_providers <file.csv|file.xlsx> [--dry-run]"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV (comma or semicolon, UTF-8) or XLSX file; see docs/providers.md")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        report = providers_import(file=path, file_name=path.name, dry_run=dry_run)
        import_run_record(report=report, source=ImportRun.Source.COMMAND)
        self.stdout.write(report.format_text())
        for table, counts in report.tables.items():
            self.stdout.write(
                f"  {table}: {counts.created} created, {counts.updated} updated/removed, {counts.unchanged} unchanged"
            )
        if not report.ok:
            raise CommandError("the file had errors: nothing was written", returncode=1)

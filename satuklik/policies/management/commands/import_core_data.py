"""import_core_data <kind> <file> [<kind> <file> ...] [--dry-run]

Imports core-system files (CSV or XLSX) in the order given, each all-or-nothing, and
prints a report per file; exits with status 1 when a file had errors. ``all <folder>``
imports every file of a folder whose name contains a kind, in import order (e.g. the
samples: ``import_core_data all samples``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from satuklik.policies.importing.kinds import KINDS
from satuklik.policies.importing.models import ImportRun
from satuklik.policies.importing.services import FileToImport, core_files_import, import_run_record


def files_in_folder(folder: Path) -> list[FileToImport]:
    found = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    for kind in KINDS:
        matches = [
            p for p in files if kind in p.stem.lower() and not (kind == "policies" and "policyholders" in p.stem)
        ]
        if len(matches) > 1:
            raise CommandError(f"several files for {kind} in {folder}: {', '.join(p.name for p in matches)}")
        if matches:
            found.append(FileToImport(kind, matches[0], matches[0].name))
    if not found:
        raise CommandError(f"no file in {folder} is named after a kind ({', '.join(KINDS)})")
    return found


class Command(BaseCommand):
    help = "Import core-system data files: import_core_data <kind> <file> [<kind> <file> ...] [--dry-run]"

    def add_arguments(self, parser):
        parser.add_argument(
            "items",
            nargs="+",
            metavar="KIND FILE",
            help=f"pairs of a kind ({', '.join(KINDS)}) and a CSV/XLSX file; or: all FOLDER",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, items, dry_run, **options):
        if len(items) == 2 and items[0] == "all":
            files = files_in_folder(Path(items[1]))
        else:
            if len(items) % 2:
                raise CommandError("give pairs of a kind and a file: import_core_data members members.csv")
            files = []
            for kind, name in zip(items[::2], items[1::2], strict=True):
                if kind not in KINDS:
                    raise CommandError(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"no such file: {name}")
                files.append(FileToImport(kind, path, path.name))
        reports = core_files_import(files=files, dry_run=dry_run)
        failed = False
        for report in reports:
            import_run_record(report=report, source=ImportRun.Source.COMMAND)
            self.stdout.write(report.format_text())
            failed = failed or not report.ok
        if failed:
            raise CommandError("some files had errors: nothing was written from them", returncode=1)

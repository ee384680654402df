"""Entry points of the core-data import: one file, or a set of files in order."""

import os
from dataclasses import dataclass

from django.db import transaction

from satuklik.core.importing import ImportReport
from satuklik.policies.importing.kinds import KINDS
from satuklik.policies.importing.models import ImportRun


def core_file_import(*, kind: str, file, dry_run: bool = False, file_name: str = "") -> ImportReport:
    """Import one file of the given kind (see KINDS): all of it, or nothing and a report.

    ``file``: a path, bytes or a binary file object (an upload). Running the same file
    twice changes nothing the second time.
    """
    try:
        importer = KINDS[kind]()
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}") from None
    if not file_name:
        file_name = os.path.basename(
            str(getattr(file, "name", "") or (file if isinstance(file, str | os.PathLike) else ""))
        )
    return importer.run(file, file_name=file_name, dry_run=dry_run)


@dataclass
class FileToImport:
    kind: str
    file: object
    file_name: str = ""


def core_files_import(*, files: list[FileToImport], dry_run: bool = False) -> list[ImportReport]:
    """Import several files in order, each all-or-nothing; a later file sees the earlier ones.

    In a dry run every file is checked against what the earlier ones would have written
    (they are written, then everything is rolled back at the end).
    """
    reports = []
    with transaction.atomic():
        for item in files:
            reports.append(core_file_import(kind=item.kind, file=item.file, file_name=item.file_name))
        if dry_run:
            transaction.set_rollback(True)
            for report in reports:
                report.dry_run = True
    return reports


def import_run_record(*, report: ImportReport, user=None, source=ImportRun.Source.UPLOAD) -> ImportRun:
    """Keep a run in the history (outside the import's transaction: failed runs are kept too)."""
    if not report.ok:
        status = ImportRun.Status.FAILED
    elif report.dry_run:
        status = ImportRun.Status.DRY_RUN
    else:
        status = ImportRun.Status.SUCCEEDED
    summary = report.as_dict()
    return ImportRun.objects.create(
        kind=report.kind,
        file_name=report.file_name[:255],
        started_by=user if user is not None and user.is_authenticated else None,
        source=source,
        duration_ms=int(report.duration_s * 1000),
        status=status,
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        error_count=report.error_count,
        errors=summary["errors"],
    )

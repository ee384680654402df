"""ImportRun: one import of a core-system file, kept for the back office's history.

Imported by satuklik/policies/models.py so that it is part of the policies app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "SUCCEEDED", _("Succeeded")
        FAILED = "FAILED", _("Failed: nothing written")
        DRY_RUN = "DRY_RUN", _("Dry run: nothing written")

    class Source(models.TextChoices):
        UPLOAD = "UPLOAD", _("Back-office upload")
        COMMAND = "COMMAND", _("Management command")

    kind = models.CharField(_("file kind"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.UPLOAD)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"line": 3, "column": "gender", "message": "..."}], at most MAX_REPORTED_ERRORS.
    errors = models.JSONField(_("error report"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        permissions = [("import_core_data", _("Can import data from the core system"))]

    def __str__(self):
        return f"{self.kind} {self.file_name} ({self.get_status_display()})"

"""Back-office import of core-system files, in the Django admin.

"Import runs" in the policies section lists every import (who, when, what, counts,
errors); its "add" page is the upload: pick the kind, the CSV/XLSX file, optionally a
dry run, and see the report (each bad line and why) or the counts. Only staff with the
``policies.import_core_data`` permission see either.
Imported at the bottom of satuklik/policies/admin.py.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from satuklik.policies.importing.kinds import KINDS, kind_choices
from satuklik.policies.importing.models import ImportRun
from satuklik.policies.importing.services import core_file_import, import_run_record

IMPORT_PERMISSION = "policies.import_core_data"
# An upload bigger than this is refused before reading: 100,000 members are ~12 MB.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("File kind"), choices=kind_choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, help_text=_("Check the file and count the changes, write nothing.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "started_by",
        "source",
    ]
    list_filter = ["status", "kind", "source"]
    search_fields = ["file_name"]
    list_select_related = ["started_by"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "kind",
        "file_name",
        "status",
        "source",
        "started_by",
        "duration_ms",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "error_table",
    ]
    readonly_fields = fields

    @admin.display(description=_("Errors"))
    def error_table(self, run):
        if not run.errors:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((error["line"] or "-", error["column"] or "-", error["message"]) for error in run.errors),
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            _("Line"),
            _("Column"),
            _("Reason"),
            rows,
        )

    # Permissions: the import permission grants the upload and the history; the history
    # is never edited or deleted here.
    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(IMPORT_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The upload page: the form, then the report of the file just imported."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = run = None
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                report = core_file_import(
                    kind=form.cleaned_data["kind"],
                    file=upload,
                    dry_run=form.cleaned_data["dry_run"],
                    file_name=upload.name,
                )
                run = import_run_record(report=report, user=request.user, source=ImportRun.Source.UPLOAD)
        else:
            form = ImportUploadForm(initial={"kind": request.GET.get("kind", "")})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import core-system data"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "run": run,
            "kind_label": KINDS[report.kind].label if report else "",
            # The columns of every kind, required ones marked, as a reminder beside the form.
            "formats": [
                (kind.kind, kind.label, [(c.name, c.required) for c in kind.columns]) for kind in KINDS.values()
            ],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/policies/import_upload.html", context)

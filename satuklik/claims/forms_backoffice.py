"""Forms of the claims back office: queue filters and the officer's actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuklik.claims.models import Claim, ReasonCode
from satuklik.claims.review import Adjustment
from satuklik.claims.selectors_officer import QueueFilters
from satuklik.core.money import parse_rupiah


class RupiahField(forms.CharField):
    """An amount typed as people write it (120.000, Rp 120.000, 120000) -> integer rupiah."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_rupiah(value)
        except ValueError as exc:
            raise forms.ValidationError(_("Enter an amount in rupiah, e.g. 150.000.")) from exc
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount


STATUS_CHOICES = [
    ("todo", _("To decide (submitted, in review, appealed)")),
    ("to_pay", _("To pay (approved, partly approved)")),
    *[(value, label) for value, label in Claim.Status.choices if value != Claim.Status.DRAFT],
    ("all", _("All")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label=_("Claim or participant"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    duplicate = forms.BooleanField(label=_("Likely duplicates only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    min_age_days = forms.IntegerField(label=_("Submitted at least (days ago)"), required=False, min_value=0)
    amount_min = RupiahField(label=_("Amount from (Rp)"), required=False)
    amount_max = RupiahField(label=_("Amount up to (Rp)"), required=False)

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            status=data.get("status") or "todo",
            overdue=bool(data.get("overdue")),
            duplicate=bool(data.get("duplicate")),
            min_age_days=data.get("min_age_days"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            assigned_to_me=bool(data.get("mine")),
            search=data.get("q") or "",
        )


def _reason_choices(**filters):
    blank = [("", _("- choose a reason -"))]
    return blank + [(r.code, f"{r.code} - {r.text}") for r in ReasonCode.objects.filter(active=True, **filters)]


class RequestDocumentsForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the member: which documents are needed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(
        label=_("Explanation for the member"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = _reason_choices(for_claims=True)


class DecideForm(forms.Form):
    """One amount, reason and note per item (prefilled with the proposal), and a note for the member."""

    note = forms.CharField(
        label=_("Note for the member"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        choices = _reason_choices(for_items=True)
        self.rows = []
        for item in self.items:
            initial = item.amount_approved if item.amount_approved is not None else item.amount_proposed
            self.fields[f"amount_{item.pk}"] = RupiahField(
                label=_("Approved (Rp)"), initial=initial if initial is not None else item.amount_claimed
            )
            self.fields[f"reason_{item.pk}"] = forms.ChoiceField(
                label=_("Reason if changed"), choices=choices, required=False
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=500)
            self.rows.append((item, self[f"amount_{item.pk}"], self[f"reason_{item.pk}"], self[f"note_{item.pk}"]))

    def adjustments(self) -> dict[int, Adjustment]:
        result = {}
        for item in self.items:
            amount = self.cleaned_data.get(f"amount_{item.pk}")
            reason = self.cleaned_data.get(f"reason_{item.pk}") or ""
            note = self.cleaned_data.get(f"note_{item.pk}") or ""
            if amount is None:
                continue
            if amount != item.amount_proposed or reason or note:
                result[item.pk] = Adjustment(amount=amount, reason_code=reason, note=note)
        return result


class MarkPaidForm(forms.Form):
    reference = forms.CharField(label=_("Transfer reference"), max_length=64)


class PaymentsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank transfer file (CSV)"),
        help_text=_("Columns: claim number, amount, reference, date (2025-06-30 or 30/06/2025); comma or semicolon."),
    )

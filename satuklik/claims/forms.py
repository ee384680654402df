"""Forms of the member's eClaim pages: they read input; the services decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from satuklik.claims import services
from satuklik.claims.banks import bank_choices
from satuklik.policies.models import BenefitType, LimitPeriod

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def new_token() -> str:
    return uuid.uuid4().hex


class SubmissionTokenField(forms.CharField):
    """The one-time token a form carries so that sending it twice does the work once."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, max_length=64, **kwargs)


class NewClaimForm(forms.Form):
    participant = forms.ChoiceField(label=_("Participant"), widget=forms.RadioSelect)
    benefit_type = forms.ChoiceField(label=_("Type of care"), widget=forms.RadioSelect)
    submission_token = SubmissionTokenField()

    def __init__(self, *args, participants, benefit_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [
            (str(person.pk), f"{person.full_name} ({person.participant_number}, {person.get_relation_display()})")
            for person in participants
        ]
        self.fields["benefit_type"].choices = [(value, BenefitType(value).label) for value in benefit_types]
        if len(participants) == 1:
            self.fields["participant"].initial = str(participants[0].pk)
        self.fields["submission_token"].initial = new_token()


class ClaimDetailsForm(forms.Form):
    """Care details; one amount field (and a days/times field) per benefit item of the type."""

    treatment_date = forms.DateField(label=_("Treatment date"), required=False, widget=DATE_WIDGET)
    admission_date = forms.DateField(label=_("Admission date"), required=False, widget=DATE_WIDGET)
    discharge_date = forms.DateField(label=_("Discharge date"), required=False, widget=DATE_WIDGET)
    total = forms.CharField(
        label=_("Total bill (Rp)"),
        required=False,
        max_length=20,
        help_text=_("The total on the receipt or the hospital bill."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0", "autocomplete": "off"}),
    )
    provider = forms.CharField(required=False, widget=forms.HiddenInput)
    provider_name = forms.CharField(
        label=_("Hospital or clinic"),
        required=False,
        max_length=200,
        help_text=_("Search for a partner hospital or clinic and choose it, or type the name."),
    )
    diagnosis = forms.CharField(
        label=_("Diagnosis"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("In your own words, or as the doctor wrote it."),
    )

    def __init__(self, *args, claim, benefit_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.benefit_items = list(benefit_items)
        inpatient = claim.benefit_type == BenefitType.INPATIENT
        window = {"days": services.SUBMISSION_WINDOW_DAYS}  # read now: the rule's own number
        if inpatient:
            del self.fields["treatment_date"]
            self.fields["discharge_date"].help_text = (
                _("A claim is submitted within %(days)s days of discharge.") % window
            )
        else:
            del self.fields["admission_date"]
            del self.fields["discharge_date"]
            self.fields["treatment_date"].help_text = (
                _("A claim is submitted within %(days)s days of the treatment.") % window
            )
        # The step's first field takes the focus (or the first one with an error), with or
        # without JavaScript: the step starts where the member types.
        self.focus("admission_date" if inpatient else "treatment_date")
        self.item_rows = []
        for item in self.benefit_items:
            amount_name, quantity_name = f"amount_{item.pk}", f"quantity_{item.pk}"
            per_day = item.limit_period == LimitPeriod.PER_DAY
            self.fields[amount_name] = forms.CharField(
                label=_("Amount (Rp)"),
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0", "autocomplete": "off"}),
            )
            self.fields[quantity_name] = forms.IntegerField(
                label=_("Days") if per_day else _("Times"),
                required=False,
                min_value=1,
                max_value=366,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.item_rows.append(
                {"item": item, "amount": self[amount_name], "quantity": self[quantity_name], "per_day": per_day}
            )

    def focus(self, name: str) -> None:
        """Give the focus to this field (the first one, or the one a refusal is about)."""
        if name not in self.fields:
            return
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[name].widget.attrs["autofocus"] = True

    @property
    def split_open(self) -> bool:
        """Show the split by item unfolded: it holds amounts or errors, or the total is refused."""
        return any(row["amount"].value() or row["amount"].errors for row in self.item_rows) or bool(
            self.errors.get("total")
        )

    @property
    def first_item(self):
        return self.benefit_items[0] if self.benefit_items else None

    def items(self) -> list[dict]:
        rows = []
        for item in self.benefit_items:
            amount = (self.cleaned_data.get(f"amount_{item.pk}") or "").strip()
            if not amount or amount in {"0", "Rp 0"}:
                continue
            rows.append(
                {"benefit_item": item, "amount": amount, "quantity": self.cleaned_data.get(f"quantity_{item.pk}") or 1}
            )
        return rows


class BankAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("Bank"))
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder = forms.CharField(label=_("Account holder name"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_code"].choices = [("", _("Choose a bank"))] + bank_choices()


class BankChoiceForm(forms.Form):
    """Keep the last used account (shown masked) or enter another one."""

    use_last = forms.BooleanField(required=False)


class UploadForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Which document is this?"), required=False)

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [("", _("Other document"))] + [
            (str(row.pk), row.name) for row in requirements
        ]


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you disagree with the decision?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmitForm(forms.Form):
    submission_token = SubmissionTokenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"].initial = new_token()

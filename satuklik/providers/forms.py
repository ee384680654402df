from django import forms
from django.utils.translation import gettext_lazy as _

from satuklik.policies.models import BenefitType
from satuklik.providers.models import ProviderType
from satuklik.providers.selectors import ProviderFilters

CASHLESS_CHOICES = [("", _("Cashless or reimbursement")), ("yes", _("Cashless only")), ("no", _("Reimbursement only"))]


class ProviderSearchForm(forms.Form):
    """The search page's GET form. Invalid coordinates are dropped with a message, the
    rest of the search still runs."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *ProviderType.choices])
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *BenefitType.choices]
    )
    cashless = forms.ChoiceField(label=_("Payment"), required=False, choices=CASHLESS_CHOICES)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("A location needs both a latitude and a longitude."), code="half_location")
        return data

    def filters(self):
        """ProviderFilters from the valid fields (an invalid field counts as empty)."""
        data = self.cleaned_data if self.is_bound else {}
        errors = self.errors if self.is_bound else {}

        def value(name, default=None):
            return default if name in errors else data.get(name, default)

        lat, lng = value("lat"), value("lng")
        if "__all__" in errors or lat is None or lng is None:
            lat = lng = None
        cashless = {"yes": True, "no": False}.get(value("cashless", ""))
        return ProviderFilters(
            q=value("q", "") or "",
            city=value("city", "") or "",
            provider_type=value("type", "") or "",
            service=value("service", "") or "",
            cashless=cashless,
            latitude=lat,
            longitude=lng,
        )

    def page_number(self):
        if not self.is_bound or "page" in self.errors:
            return 1
        return self.cleaned_data.get("page") or 1

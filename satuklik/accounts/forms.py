import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import OtpChannel

NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
# Day first, whatever the browser's locale; a 4-digit year first (ISO) is unambiguous and
# is what native apps and older links send.
BIRTH_DATE_PATTERN = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
ISO_DATE_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_birth_date(text: str, *, today: datetime.date) -> datetime.date:
    """A date of birth written dd/mm/yyyy; a clear reason when it is not one."""
    iso = ISO_DATE_PATTERN.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = BIRTH_DATE_PATTERN.match(text)
        if not match:
            raise ValidationError(_("Write the date as day/month/year, for example 01/12/1990."), code="format")
        day, month, year = (int(part) for part in match.groups())
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        if 1 <= day <= 12 and month > 12:
            raise ValidationError(
                _("There is no month %(month)s: write the day first, then the month (dd/mm/yyyy)."),
                code="swapped",
                params={"month": month},
            ) from None
        raise ValidationError(_("This date does not exist: check the day and the month."), code="impossible") from None
    if value > today:
        raise ValidationError(_("A date of birth cannot be in the future."), code="future")
    if value.year < 1900:
        raise ValidationError(_("Check the year of birth."), code="year")
    return value


class BirthDateField(forms.CharField):
    """A text field for dd/mm/yyyy: a browser's date picker shows mm/dd/yyyy in an English locale."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "bday",
                    "placeholder": _("dd/mm/yyyy"),
                    "maxlength": 10,
                    "spellcheck": "false",
                }
            ),
        )
        kwargs.setdefault("help_text", _("Day/month/year, for example 01/12/1990."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        return parse_birth_date(text, today=timezone.localdate())


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Authenticator code"),
        max_length=12,
        help_text=_("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )


class RegisterGroupForm(forms.Form):
    policy_number = forms.CharField(label=_("Policy number"), max_length=32, widget=forms.TextInput(NUMBER_ATTRS))
    participant_number = forms.CharField(
        label=_("Participant number"), max_length=32, widget=forms.TextInput(NUMBER_ATTRS)
    )
    date_of_birth = BirthDateField(label=_("Date of birth"))
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The e-mail address your employer registered for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class RegisterIndividualForm(forms.Form):
    policy_number = forms.CharField(label=_("Policy number"), max_length=32, widget=forms.TextInput(NUMBER_ATTRS))
    date_of_birth = BirthDateField(label=_("Date of birth of the insured"))
    contact = forms.CharField(
        label=_("E-mail or mobile number on file"),
        max_length=254,
        help_text=_("As written in your policy documents."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


class RegisterDplkForm(forms.Form):
    participant_number = forms.CharField(
        label=_("DPLK participant number"),
        max_length=32,
        help_text=_("Printed on your DPLK membership certificate and at the top of each balance statement."),
        widget=forms.TextInput(NUMBER_ATTRS),
    )
    date_of_birth = BirthDateField(label=_("Date of birth"))
    contact = forms.CharField(
        label=_("E-mail or mobile number on file"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


class EulaForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and agree to the End User License Agreement"),
        error_messages={"required": _("Please accept the agreement to continue.")},
    )


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label=_("Send the code by"), choices=OtpChannel.choices, widget=forms.RadioSelect)


class OtpForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)


PASSWORD_HELP = _(
    "At least 8 characters; 12 or more is safer. A few unrelated words are easy to remember and hard to guess. "
    "Not your name, username, policy number or the insurer's name."
)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        max_length=4096,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "minlength": 8, "maxlength": 128}),
    )
    password2 = forms.CharField(
        label=_("Confirm the new password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "minlength": 8, "maxlength": 128}),
    )


class PasswordChangeForm(SetPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password1", "password2"]


class ResetStartForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters", "autofocus": True}),
    )


def eula_version():
    return settings.EULA_VERSION

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import OtpChannel

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "bday", **(attrs or {})}, format="%Y-%m-%d")


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
    date_of_birth = forms.DateField(label=_("Date of birth"), input_formats=DATE_INPUT_FORMATS, widget=DateInput())
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The e-mail address your employer registered for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class RegisterIndividualForm(forms.Form):
    policy_number = forms.CharField(label=_("Policy number"), max_length=32, widget=forms.TextInput(NUMBER_ATTRS))
    date_of_birth = forms.DateField(
        label=_("Date of birth of the insured"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    contact = forms.CharField(
        label=_("E-mail or mobile number on file"),
        max_length=254,
        help_text=_("As written in your policy documents."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


class RegisterDplkForm(forms.Form):
    participant_number = forms.CharField(
        label=_("DPLK participant number"), max_length=32, widget=forms.TextInput(NUMBER_ATTRS)
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), input_formats=DATE_INPUT_FORMATS, widget=DateInput())
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

"""The back office: Django's admin behind a second factor (TOTP, django-otp).

Staff sign in on one form with username, password and the 6-digit code of their
authenticator app (a TOTPDevice; `manage.py staff_totp_setup <username>` creates one and
prints its otpauth:// URI). The form calls the login-attempt service every way in uses
(accounts.services.login_attempt): the same lockout, slow-down and audit events as the
member page and the API, and a wrong code counts like a wrong password. There is no
setting that turns the code off.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from satuklik.accounts import services


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password and authenticator code, checked in one step."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        code = self.cleaned_data.get("otp_token") or ""
        if not (username and password):
            return self.cleaned_data  # the missing fields carry their "required" errors
        try:
            attempt = services.login_attempt(
                request=self.request,
                username=username,
                password=password,
                otp_code=code,
                site="admin",
                second_factor_required=True,
            )
        except services.AccountsError as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from None
        self.confirm_login_allowed(attempt.user)  # staff only
        # django-otp keeps the device in the session when auth.login() runs (user_logged_in).
        attempt.user.otp_device = attempt.device
        self.user_cache = attempt.user
        return self.cleaned_data


class SatuklikAdminSite(OTPAdminSite):
    """OTPAdminSite (every page needs a verified device) under the usual name "admin"
    (so reverse("admin:...") keeps working), with the one-step login form."""

    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def __init__(self, name="admin"):
        super().__init__(name)

"""The back office: Django's admin behind a second factor (TOTP, django-otp).

Staff sign in with username, password and the 6-digit code of their authenticator app
(a TOTPDevice; `manage.py staff_totp_setup <username>` creates one and prints its
otpauth:// URI). The same lockout as members' logins applies (accounts.throttle), and
every try is a SecurityEvent.

settings.ADMIN_OTP_REQUIRED (default True) exists for the test suite only: most tests
sign staff in with force_login and test their screens, not the second factor.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from satuklik.accounts import services, throttle
from satuklik.accounts.models import SecurityEvent
from satuklik.accounts.security import client_ip, normalise_username, security_event_record

# Raised by the OTP form once the password is right but no code was typed yet: a step, not a failure.
NOT_FAILURES = {"token_required", "inactive"}


def otp_required() -> bool:
    return getattr(settings, "ADMIN_OTP_REQUIRED", True)


class _ThrottledLoginMixin:
    def clean(self):
        username = normalise_username(self.data.get("username"))
        ip = client_ip(self.request)
        locked = throttle.login_locked_for(username, ip)
        if locked:
            security_event_record(
                kind=SecurityEvent.Kind.LOCKOUT, request=self.request, username=username, details={"site": "admin"}
            )
            raise ValidationError(services.LoginLocked(retry_after=locked).message, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            codes = {getattr(item, "code", None) for item in error.error_list}
            if not codes <= NOT_FAILURES:
                if throttle.login_failure(username, ip):
                    security_event_record(
                        kind=SecurityEvent.Kind.LOCKOUT,
                        request=self.request,
                        username=username,
                        details={"site": "admin"},
                    )
                security_event_record(
                    kind=SecurityEvent.Kind.LOGIN_FAILURE,
                    request=self.request,
                    username=username,
                    details={"site": "admin", "reason": ",".join(sorted(str(code) for code in codes if code))},
                )
            raise
        throttle.login_success([username], ip)
        security_event_record(
            kind=SecurityEvent.Kind.LOGIN_SUCCESS,
            request=self.request,
            user=self.get_user(),
            username=username,
            details={"site": "admin", "second_factor": otp_required()},
        )
        return cleaned


class StaffOtpAuthenticationForm(_ThrottledLoginMixin, OTPAdminAuthenticationForm):
    pass


class StaffPasswordOnlyAuthenticationForm(_ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class SatuklikAdminSite(OTPAdminSite):
    """OTPAdminSite under the usual name "admin" (so reverse("admin:...") keeps working)."""

    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return StaffOtpAuthenticationForm if otp_required() else StaffPasswordOnlyAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if otp_required() else None

    def has_permission(self, request):
        if otp_required():
            return super().has_permission(request)
        return super(OTPAdminSite, self).has_permission(request)

"""Web pages for registration, login, "Forgot password" and the profile.

Thin: each view validates a form, calls one service and picks a page. Flow state lives
in AuthFlow rows; the session holds only the flow key (never data in hidden fields).
"""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from satuklik.accounts import otp, selectors, services
from satuklik.accounts.forms import (
    ChannelForm,
    EulaForm,
    LoginForm,
    PasswordChangeForm,
    RegisterDplkForm,
    RegisterGroupForm,
    RegisterIndividualForm,
    ResetStartForm,
    SetPasswordForm,
    StaffCodeForm,
)
from satuklik.accounts.models import OtpChannel, SecurityEvent
from satuklik.accounts.security import digest, normalise_username, security_event_record
from satuklik.core.offline import CLEAR_SITE_DATA
from satuklik.core.roles import is_staff_account
from satuklik.policies.models import PolicyType

REGISTER_SESSION_KEY = "accounts_register_flow"
RESET_SESSION_KEY = "accounts_reset_flow"
DEVICE_COOKIE_SALT = "satuklik.accounts.device"
DEVICE_COOKIE_AGE = 365 * 24 * 60 * 60

# URL slug -> policy type, in the order the choice screen shows them (as the seed does).
POLICY_TYPE_SLUGS = {"individu": PolicyType.INDIVIDUAL, "group": PolicyType.GROUP, "dplk": PolicyType.DPLK}
REGISTER_FORMS = {
    PolicyType.GROUP: RegisterGroupForm,
    PolicyType.INDIVIDUAL: RegisterIndividualForm,
    PolicyType.DPLK: RegisterDplkForm,
}


def _device_cookie_name():
    # __Host- needs Secure: only when cookies are Secure (production settings).
    return "__Host-satuklik_device" if settings.SESSION_COOKIE_SECURE else "satuklik_device"


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- OTP glue shared by every flow --------------------------------------------------


def _challenge_for_session(request, challenge_id):
    flow_key = otp.remembered_flow_key(request, challenge_id)
    if not flow_key:
        raise Http404
    try:
        return otp.otp_get_for_flow(challenge_id=challenge_id, flow_key=flow_key)
    except otp.OtpError:
        raise Http404 from None


@never_cache
@require_GET
def otp_status(request, challenge_id):
    """The delivery-status block of the OTP screen; htmx polls it while the message is on its way."""
    challenge = _challenge_for_session(request, challenge_id)
    context = otp.otp_screen_context(challenge=challenge, verify_url="", next_url="", request=request)
    return render(request, "accounts/partials/otp_status.html", {"otp": context})


@require_POST
def otp_resend(request, challenge_id):
    challenge = _challenge_for_session(request, challenge_id)
    channel = request.POST.get("channel") or None
    try:
        otp.otp_resend(challenge=challenge, channel=channel, request=request)
    except otp.OtpError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new code is on its way."))
    return redirect(_safe_next(request))


# --- login and logout ---------------------------------------------------------------


def _trusted_device(request, username) -> bool:
    raw = request.COOKIES.get(_device_cookie_name())
    if not raw:
        return False
    try:
        names = signing.loads(raw, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return digest(normalise_username(username)) in names


def _set_device_cookie(response, user):
    names = [digest(name) for name in selectors.login_names_for_user(user=user)][:10]
    response.set_cookie(
        _device_cookie_name(),
        signing.dumps(names, salt=DEVICE_COOKIE_SALT),
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            username = form.cleaned_data["username"]
            try:
                attempt = services.login_attempt(
                    request=request,
                    username=username,
                    password=form.cleaned_data["password"],
                    trusted_device=_trusted_device(request, username),
                )
            except services.AccountsError as refusal:
                error, status = refusal.message, refusal.status
            else:
                auth_login(request, attempt.user)  # a new session key
                # Notifications and e-mails go out in the language the member uses now.
                services.user_set_language(user=attempt.user, language=request.LANGUAGE_CODE)
                if attempt.staff:
                    # Staff capabilities open only after the code step (accounts.decorators).
                    response = redirect(f"{reverse('accounts:login-code')}?{urlencode({'next': next_url})}")
                else:
                    response = redirect(next_url)
                _set_device_cookie(response, attempt.user)
                return response
        else:
            error, status = services.LoginFailed.default_message, 401
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url}, status=status)


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def login_code(request):
    """A staff account's second step: the 6-digit code of its authenticator app."""
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if not is_staff_account(request.user) or request.user.is_verified():
        return redirect(next_url)
    form = StaffCodeForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                device = services.login_second_factor(
                    request=request, user=request.user, code=form.cleaned_data["code"]
                )
            except services.AccountsError as refusal:
                error, status = refusal.message, refusal.status
            else:
                otp_login(request, device)
                request.session.cycle_key()  # a new session key for the new rights
                return redirect(next_url)
        else:
            error, status = services.SecondFactorWrong.default_message, 401
    return render(request, "accounts/login_code.html", {"form": form, "error": error, "next": next_url}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "GET":
        return render(request, "accounts/logout.html")
    if request.user.is_authenticated:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, request=request, user=request.user)
    auth_logout(request)
    messages.success(request, _("You have logged out."))
    return _signed_out_redirect()


# --- registration -------------------------------------------------------------------


def _register_flow(request, steps=None):
    """(flow, key) of this session's registration, or (None, None) when it expired."""
    flow_key = request.session.get(REGISTER_SESSION_KEY, "")
    try:
        flow = services.registration_state(flow_key=flow_key)
    except services.FlowExpired:
        return None, None
    if steps is not None and flow.step not in steps:
        return None, None
    return flow, flow_key


def _register_restart(request):
    messages.error(request, services.FlowExpired.default_message)
    return redirect("accounts:register")


@require_GET
def register_choose(request):
    return render(request, "accounts/register_choose.html", {"types": POLICY_TYPE_SLUGS})


@never_cache
@require_http_methods(["GET", "POST"])
def register_details(request, policy_slug):
    policy_type = POLICY_TYPE_SLUGS.get(policy_slug)
    if policy_type is None:
        raise Http404
    form_class = REGISTER_FORMS[policy_type]
    form = form_class(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = services.RegistrationInput(policy_type=policy_type, **form.cleaned_data)
        try:
            _flow, flow_key = services.registration_start(data=data, request=request)
        except services.AccountsError as refusal:
            error = refusal.message
        else:
            request.session[REGISTER_SESSION_KEY] = flow_key
            return redirect("accounts:register-eula")
    context = {"form": form, "error": error, "policy_type": policy_type, "policy_label": PolicyType(policy_type).label}
    return render(request, "accounts/register_details.html", context, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def register_eula(request):
    flow, flow_key = _register_flow(request, steps={"eula"})
    if flow is None:
        return _register_restart(request)
    form = EulaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flow = services.registration_accept_eula(flow_key=flow_key, request=request)
        except otp.OtpError as error:
            messages.error(request, error.message)
            return redirect("accounts:register-channel")
        if flow.step == "otp":
            otp.remember_challenge(request, flow.challenge, flow_key)
            return redirect("accounts:register-verify")
        return redirect("accounts:register-channel")
    return render(request, "accounts/register_eula.html", {"form": form, "eula_version": settings.EULA_VERSION})


@never_cache
@require_http_methods(["GET", "POST"])
def register_channel(request):
    flow, flow_key = _register_flow(request, steps={"channel"})
    if flow is None:
        return _register_restart(request)
    channels = services.registration_channels(flow=flow)
    form = ChannelForm(request.POST or None)
    form.fields["channel"].choices = [
        (
            channel,
            _("E-mail to %(to)s") % {"to": otp.mask_email(flow.member.email)}
            if channel == OtpChannel.EMAIL
            else _("SMS to %(to)s") % {"to": otp.mask_phone(flow.member.mobile)},
        )
        for channel in channels
    ]
    if request.method == "POST" and form.is_valid():
        try:
            flow = services.registration_send_code(
                flow_key=flow_key, channel=form.cleaned_data["channel"], request=request
            )
        except otp.OtpError as error:
            messages.error(request, error.message)
        else:
            otp.remember_challenge(request, flow.challenge, flow_key)
            return redirect("accounts:register-verify")
    return render(request, "accounts/register_channel.html", {"form": form, "channels": channels})


def _otp_page(request, *, challenge, verify_url, error, template, extra=None):
    context = otp.otp_screen_context(
        challenge=challenge, verify_url=verify_url, next_url=request.path, error=error, request=request
    )
    return render(request, template, {"otp": context, **(extra or {})}, status=400 if error else 200)


def _otp_verify(request, *, flow, flow_key, verify, restart, done_url, verify_url, template):
    """A flow's code screen: a right code goes on to done_url, a refused one shows the screen
    again (400) with the challenge as it now stands, an expired flow starts over."""
    error = None
    if request.method == "POST":
        try:
            verify(flow_key=flow_key, code=request.POST.get("code", ""), request=request)
        except otp.OtpError as refusal:
            error = refusal
        except services.FlowExpired:
            return restart(request)
        else:
            return redirect(done_url)
        flow.challenge.refresh_from_db()
    return _otp_page(request, challenge=flow.challenge, verify_url=reverse(verify_url), error=error, template=template)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request):
    flow, flow_key = _register_flow(request)
    if flow is not None and flow.step in {"password", "done", "ended"}:
        return redirect("accounts:register-username")  # already verified (a second click)
    if flow is None or flow.step != "otp" or flow.challenge is None:
        return _register_restart(request)

    def verify(**kwargs):
        # Ended cover: the flow now stands at "ended", and the next page says when and whom to call.
        with contextlib.suppress(services.CoverageEnded):
            services.registration_verify(**kwargs)

    return _otp_verify(
        request,
        flow=flow,
        flow_key=flow_key,
        verify=verify,
        restart=_register_restart,
        done_url="accounts:register-username",
        verify_url="accounts:register-verify",
        template="accounts/register_verify.html",
    )


@never_cache
@require_GET
def register_username(request):
    flow, _flow_key = _register_flow(request, steps={"password", "done", "ended"})
    if flow is not None and flow.step == "ended":
        message = services.coverage_ended_message(member=flow.member, ended_on=services.cover_ended_on(flow.member))
        return render(request, "accounts/register_ended.html", {"message": message})
    if flow is None or "outcome" not in flow.data:
        return _register_restart(request)
    context = {
        "username": flow.data["username"],
        "outcome": flow.data["outcome"],
        "needs_password": flow.step == "password",
    }
    return render(request, "accounts/register_username.html", context)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register_password(request):
    flow, flow_key = _register_flow(request, steps={"password"})
    if flow is None:
        return _register_restart(request)
    form = SetPasswordForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            user = services.registration_set_password(
                flow_key=flow_key,
                password1=form.cleaned_data["password1"],
                password2=form.cleaned_data["password2"],
                request=request,
            )
        except services.PasswordInvalid as refusal:
            errors = refusal.errors
        except services.FlowExpired:
            return _register_restart(request)
        else:
            auth_login(request, user)
            request.session.pop(REGISTER_SESSION_KEY, None)
            response = redirect("accounts:register-done")
            _set_device_cookie(response, user)
            return response
    context = {"form": form, "errors": errors, "username": flow.data.get("username")}
    return render(request, "accounts/register_password.html", context, status=400 if errors else 200)


@login_required
@require_GET
def register_done(request):
    return render(request, "accounts/register_done.html")


# --- forgot password ----------------------------------------------------------------


def _reset_flow(request, steps):
    flow_key = request.session.get(RESET_SESSION_KEY, "")
    try:
        flow = services.password_reset_state(flow_key=flow_key)
    except services.FlowExpired:
        return None, None
    if flow.step not in steps:
        return None, None
    return flow, flow_key


def _reset_restart(request):
    messages.error(request, services.FlowExpired.default_message)
    return redirect("accounts:password-reset")


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = ResetStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flow, flow_key = services.password_reset_start(username=form.cleaned_data["username"], request=request)
        except otp.OtpError as error:
            messages.error(request, error.message)
        else:
            request.session[RESET_SESSION_KEY] = flow_key
            otp.remember_challenge(request, flow.challenge, flow_key)
            return redirect("accounts:password-reset-verify")
    return render(request, "accounts/reset_start.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_verify(request):
    flow, flow_key = _reset_flow(request, {"otp", "password"})
    if flow is not None and flow.step == "password":
        return redirect("accounts:password-reset-password")  # already verified (a second click)
    if flow is None or flow.challenge is None:
        return _reset_restart(request)
    return _otp_verify(
        request,
        flow=flow,
        flow_key=flow_key,
        verify=services.password_reset_verify,
        restart=_reset_restart,
        done_url="accounts:password-reset-password",
        verify_url="accounts:password-reset-verify",
        template="accounts/reset_verify.html",
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_password(request):
    flow, flow_key = _reset_flow(request, {"password"})
    if flow is None:
        return _reset_restart(request)
    form = SetPasswordForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                flow_key=flow_key,
                password1=form.cleaned_data["password1"],
                password2=form.cleaned_data["password2"],
                request=request,
            )
        except services.PasswordInvalid as refusal:
            errors = refusal.errors
        except services.FlowExpired:
            return _reset_restart(request)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            return redirect("accounts:password-reset-done")
    return render(
        request, "accounts/reset_password.html", {"form": form, "errors": errors}, status=400 if errors else 200
    )


@require_GET
def password_reset_done(request):
    return render(request, "accounts/reset_done.html")


# --- profile ------------------------------------------------------------------------


def _profile_context(request, form=None, errors=None):
    user = request.user
    return {
        "login_names": selectors.login_names_for_user(user=user),
        "email_masked": otp.mask_email(user.email),
        "mobile_masked": otp.mask_phone(user.mobile),
        "links": selectors.active_links_for_user(user=user),
        "form": form or PasswordChangeForm(),
        "errors": errors or [],
    }


@login_required
@never_cache
@require_GET
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@sensitive_post_parameters("current_password", "password1", "password2")
@login_required
@never_cache
@require_POST
def profile_password(request):
    form = PasswordChangeForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            user = services.password_change(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                password1=form.cleaned_data["password1"],
                password2=form.cleaned_data["password2"],
                request=request,
            )
        except services.PasswordInvalid as refusal:
            errors = refusal.errors
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _("Your password has been changed. Your other devices were signed out."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, form, errors), status=400)


@login_required
@require_POST
def profile_logout_everywhere(request):
    services.user_logout_everywhere(user=request.user, request=request)
    auth_logout(request)
    messages.success(request, _("You have been logged out on every device."))
    return _signed_out_redirect()


def _signed_out_redirect():
    # The browser drops what it kept for this person (the service worker's offline eCard
    # among it) at once: core/offline.py.
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response

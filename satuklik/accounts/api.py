"""/api/v1/auth/: registration, one-time codes, forgot password, login and tokens.

The same services as the web pages; the flow key the web keeps in the session is
returned to the client here and sent back with each step. Bearer tokens are shown once.
"""

import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator

from satuklik.accounts import otp, selectors, services
from satuklik.accounts.auth import member_auth
from satuklik.accounts.models import AuthFlow, OtpChallenge, SecurityEvent
from satuklik.accounts.security import security_event_record
from satuklik.core.api_errors import ApiError, errors

router = Router(tags=["auth"])


def _no_control_characters(value: str) -> str:
    # A NUL byte cannot be stored or compared by PostgreSQL; no field here needs one.
    if any(ord(char) < 32 and char not in "\t" for char in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
FlowKey = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_control_characters)]
Secret = Annotated[str, Field(max_length=4096), AfterValidator(_no_control_characters)]


# --- schemas ------------------------------------------------------------------------


class OtpOut(Schema):
    challenge_id: str
    channel: str
    destination: str = Field(description="Masked contact the code went to; empty for password reset")
    other_channel: str = Field("", description="The other channel the member may switch to, if any")
    other_destination: str = ""
    expires_in: int = Field(description="Seconds the code stays valid")
    resend_in: int = Field(description="Seconds before a new code may be asked for")
    delivery: Literal["pending", "delivered", "failed"]


class FlowOut(Schema):
    flow_key: str = Field(description="Send it back with every step of this flow; keep it secret")
    step: str = Field(description="Next step: eula, channel, otp, password, done")
    channels: list[str] = Field(default_factory=list, description="Where the code may be sent (step channel)")
    channel_destinations: dict[str, str] = Field(default_factory=dict, description="Masked contact per channel")
    otp: OtpOut | None = None


class RegisterStartIn(Schema):
    policy_type: Literal["GROUP", "INDIVIDUAL", "DPLK"]
    date_of_birth: datetime.date
    policy_number: Annotated[Text, Field(max_length=32)] = Field(
        "", description="Group and Individu: the policy number"
    )
    participant_number: Annotated[Text, Field(max_length=32)] = Field(
        "", description="Group: participant number; DPLK: DPLK participant number"
    )
    email: Annotated[Text, Field(max_length=254)] = Field("", description="Group: the e-mail on file")
    contact: Annotated[Text, Field(max_length=254)] = Field(
        "", description="Individu and DPLK: the e-mail or mobile number on file"
    )


class EulaOut(Schema):
    version: str
    html: str


class EulaIn(Schema):
    flow_key: FlowKey
    eula_version: Annotated[Text, Field(max_length=20)]
    accept: bool


class ChannelIn(Schema):
    flow_key: FlowKey
    channel: Literal["EMAIL", "SMS"]


class CodeIn(Schema):
    flow_key: FlowKey
    code: Annotated[Text, Field(max_length=12)]


class OtpRefIn(Schema):
    flow_key: FlowKey
    challenge_id: Annotated[Text, Field(max_length=64)]


class ResendIn(OtpRefIn):
    channel: Literal["EMAIL", "SMS"] | None = None


class RegisterVerifyOut(Schema):
    outcome: Literal["created", "added", "exists"] = Field(
        description="created: set a password next; added: new username, old password; exists: log in"
    )
    username: str
    step: str
    flow_key: str


class PasswordIn(Schema):
    flow_key: FlowKey
    password1: Secret
    password2: Secret
    device_name: Annotated[Text, Field(max_length=100)] = ""


class TokenOut(Schema):
    token: str = Field(description="Bearer token, shown once: send as 'Authorization: Bearer <token>'")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: datetime.datetime
    username: str
    second_factor: bool = Field(False, description="Issued after a verified authenticator code (staff)")


class LoginIn(Schema):
    username: Annotated[Text, Field(max_length=150)]
    password: Secret
    otp_code: Annotated[Text, Field(max_length=12)] = Field(
        "",
        description="Staff: the 6-digit code of the authenticator app. Without it a staff token has "
        "second_factor=false and the officer endpoints refuse it (403 second_factor_required).",
    )
    device_name: Annotated[Text, Field(max_length=100)] = ""


class MeOut(Schema):
    username: str
    login_names: list[str]
    full_name: str
    email: str = Field(description="Masked")
    mobile: str = Field(description="Masked")
    preferred_language: str


class PasswordChangeIn(Schema):
    current_password: Secret
    password1: Secret
    password2: Secret
    device_name: Annotated[Text, Field(max_length=100)] = ""


class ResetStartIn(Schema):
    username: Annotated[Text, Field(max_length=150)]


# --- helpers ------------------------------------------------------------------------


def otp_out(challenge: OtpChallenge, request) -> dict:
    context = otp.otp_screen_context(challenge=challenge, verify_url="", next_url="", request=request)
    return {
        "challenge_id": context["challenge_id"],
        "channel": challenge.channel,
        "destination": context["destination"],
        "other_channel": context["other_channel"],
        "other_destination": context["other_destination"],
        "expires_in": context["seconds_left"],
        "resend_in": context["resend_in"],
        "delivery": context["status"],
    }


def _flow_out(flow: AuthFlow, flow_key: str, request) -> dict:
    body = {"flow_key": flow_key, "step": flow.step, "channels": [], "channel_destinations": {}, "otp": None}
    if flow.kind == AuthFlow.Kind.REGISTER and flow.step == "channel":
        channels = services.registration_channels(flow=flow)
        body["channels"] = channels
        body["channel_destinations"] = {
            channel: otp.mask_destination(channel, flow.member.email if channel == "EMAIL" else flow.member.mobile)
            for channel in channels
        }
    if flow.challenge_id and flow.step == "otp":
        body["otp"] = otp_out(flow.challenge, request)
    return body


def _token_out(user, request, device_name="", second_factor=False) -> dict:
    token, raw = services.api_token_issue(user=user, name=device_name, second_factor=second_factor, request=request)
    return {
        "token": raw,
        "expires_at": token.expires_at,
        "username": user.username,
        "second_factor": token.second_factor,
    }


# 400 a refused step (codes, flows, passwords); 422 malformed input; 429 too many attempts or codes.
ERRORS = errors(400, 422, 429)
SIGNED_IN = errors(401)


# --- registration -------------------------------------------------------------------


@router.get("/eula", response=EulaOut, summary="The End User License Agreement to show before registering")
def eula(request):
    html = render_to_string("accounts/eula_text.html", {"brand": settings.BRAND}, request=request)
    return {"version": settings.EULA_VERSION, "html": html}


@router.post("/register/start", response={200: FlowOut, **ERRORS}, summary="Registration 1: match the member data")
def register_start(request, payload: RegisterStartIn):
    """Group: policy_number, participant_number, date_of_birth, email. Individu: policy_number,
    date_of_birth, contact. DPLK: participant_number, date_of_birth, contact. Any mismatch gets
    the same neutral error (data_mismatch) and nothing is sent."""
    data = services.RegistrationInput(**payload.model_dump())
    flow, flow_key = services.registration_start(data=data, request=request)
    return Status(200, _flow_out(flow, flow_key, request))


@router.post("/register/eula", response={200: FlowOut, **ERRORS}, summary="Registration 2: accept the EULA")
def register_eula(request, payload: EulaIn):
    """Group members (and anyone with a single contact on file) get their code at once (step otp);
    otherwise the next step is channel."""
    if not payload.accept or payload.eula_version != settings.EULA_VERSION:
        raise ApiError(400, "eula_not_accepted", _("Please accept the current agreement to continue."), field="accept")
    flow = services.registration_accept_eula(flow_key=payload.flow_key, request=request)
    return Status(200, _flow_out(flow, payload.flow_key, request))


@router.post("/register/send-code", response={200: FlowOut, **ERRORS}, summary="Registration 3: send the code")
def register_send_code(request, payload: ChannelIn):
    flow = services.registration_send_code(flow_key=payload.flow_key, channel=payload.channel, request=request)
    return Status(200, _flow_out(flow, payload.flow_key, request))


@router.post(
    "/register/verify",
    response={200: RegisterVerifyOut, **ERRORS, **errors(409)},
    summary="Registration 4: check the code",
    description="409 `coverage_ended`: the code proved the person, but the membership's cover has ended "
    "(the message says when and whom to call); no account is opened.",
)
def register_verify(request, payload: CodeIn):
    result = services.registration_verify(flow_key=payload.flow_key, code=payload.code, request=request)
    return Status(
        200,
        {
            "outcome": result.outcome,
            "username": result.username,
            "step": result.flow.step,
            "flow_key": payload.flow_key,
        },
    )


@router.post(
    "/register/password", response={200: TokenOut, **ERRORS}, summary="Registration 5: set the password, get a token"
)
def register_password(request, payload: PasswordIn):
    user = services.registration_set_password(
        flow_key=payload.flow_key, password1=payload.password1, password2=payload.password2, request=request
    )
    return Status(200, _token_out(user, request, payload.device_name))


# --- one-time codes -----------------------------------------------------------------


@router.post("/otp/resend", response={200: OtpOut, **ERRORS}, summary="Send a new code (or by the other channel)")
def otp_resend(request, payload: ResendIn):
    challenge = otp.otp_get_for_flow(challenge_id=payload.challenge_id, flow_key=payload.flow_key)
    challenge = otp.otp_resend(challenge=challenge, channel=payload.channel, request=request)
    return Status(200, otp_out(challenge, request))


@router.post("/otp/status", response={200: OtpOut, **ERRORS}, summary="Where the code went and whether it arrived")
def otp_status(request, payload: OtpRefIn):
    challenge = otp.otp_get_for_flow(challenge_id=payload.challenge_id, flow_key=payload.flow_key)
    return Status(200, otp_out(challenge, request))


# --- forgot password ----------------------------------------------------------------


@router.post("/password-reset/start", response={200: FlowOut, **ERRORS}, summary="Forgot password 1: send a code")
def password_reset_start(request, payload: ResetStartIn):
    """The same answer for every username, registered or not."""
    flow, flow_key = services.password_reset_start(username=payload.username, request=request)
    return Status(200, _flow_out(flow, flow_key, request))


@router.post("/password-reset/verify", response={200: FlowOut, **ERRORS}, summary="Forgot password 2: check the code")
def password_reset_verify(request, payload: CodeIn):
    flow = services.password_reset_verify(flow_key=payload.flow_key, code=payload.code, request=request)
    return Status(200, _flow_out(flow, payload.flow_key, request))


@router.post("/password-reset/complete", response={204: None, **ERRORS}, summary="Forgot password 3: the new password")
def password_reset_complete(request, payload: PasswordIn):
    """Every session and token of the account ends; log in again."""
    services.password_reset_complete(
        flow_key=payload.flow_key, password1=payload.password1, password2=payload.password2, request=request
    )
    return Status(204, None)


# --- login, tokens, me --------------------------------------------------------------


@router.post("/login", response={200: TokenOut, **ERRORS, **SIGNED_IN}, summary="Log in: get a bearer token")
def login(request, payload: LoginIn):
    """The same 401 for an unknown username and a wrong password; 429 when locked out or slowed down.
    Staff send otp_code too (a wrong code: 401 second_factor_wrong, counted like a wrong password)."""
    attempt = services.login_attempt(
        request=request, username=payload.username, password=payload.password, otp_code=payload.otp_code, site="api"
    )
    return Status(200, _token_out(attempt.user, request, payload.device_name, second_factor=attempt.second_factor))


@router.post(
    "/logout", auth=member_auth, response={204: None, **SIGNED_IN}, summary="Revoke this token (or end this session)"
)
def logout(request):
    token = getattr(request, "api_token", None)
    if token is not None:
        services.api_token_revoke(token=token, request=request)
    else:
        from django.contrib.auth import logout as auth_logout

        security_event_record(kind=SecurityEvent.Kind.LOGOUT, request=request, user=request.user)
        auth_logout(request)
    return Status(204, None)


@router.post(
    "/logout-everywhere",
    auth=member_auth,
    response={204: None, **SIGNED_IN},
    summary="End every session, revoke every token",
)
def logout_everywhere(request):
    services.user_logout_everywhere(user=request.user, request=request)
    return Status(204, None)


@router.get("/me", auth=member_auth, response={200: MeOut, **SIGNED_IN}, summary="Who is logged in")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "login_names": selectors.login_names_for_user(user=user),
        "full_name": user.display_name,
        "email": otp.mask_email(user.email),
        "mobile": otp.mask_phone(user.mobile),
        "preferred_language": user.preferred_language,
    }


@router.post(
    "/password/change",
    auth=member_auth,
    response={200: TokenOut, **ERRORS, **SIGNED_IN},
    summary="Change the password: every other session and token ends; a new token is returned",
)
def password_change(request, payload: PasswordChangeIn):
    user = services.password_change(
        user=request.user,
        current_password=payload.current_password,
        password1=payload.password1,
        password2=payload.password2,
        request=request,
    )
    if getattr(request, "api_token", None) is None:
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
    # The new token keeps the second factor of the token that asked for it.
    second_factor = bool(getattr(getattr(request, "api_token", None), "second_factor", False))
    return Status(200, _token_out(user, request, payload.device_name, second_factor=second_factor))

"""Writes for accounts: registration, login, password reset and change, API tokens.

The web views and the API call these same functions; they differ only in where the
flow key lives (session or client) and in how the answer is shown.
"""

import datetime
import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuklik.accounts import otp, selectors, throttle
from satuklik.accounts.models import (
    ApiToken,
    AuthFlow,
    LoginName,
    OtpChannel,
    OtpPurpose,
    PolicyLink,
    SecurityEvent,
    User,
)
from satuklik.accounts.security import client_ip, normalise_username, security_event_record
from satuklik.core.roles import is_staff_account
from satuklik.notifications import services as notifications
from satuklik.policies.models import Member, PolicyType

logger = logging.getLogger(__name__)

REGISTER_FLOW_SECONDS = 30 * 60
RESET_FLOW_SECONDS = 15 * 60
API_TOKEN_DAYS = 30
# How stale ApiToken.last_used_at may be.
API_TOKEN_LAST_USED_INTERVAL = timedelta(minutes=5)
USERNAME_LETTERS = 6


# --- errors -------------------------------------------------------------------------


class AccountsError(Exception):
    """A refusal with a translated `.message` for the member and a stable `.code` for the API."""

    code = "error"
    default_message = _("Something went wrong. Please try again.")
    status = 400

    def __init__(self, message=None, *, retry_after: int | None = None, errors=None):
        self.message = message or self.default_message
        self.retry_after = retry_after
        self.errors = errors or []
        super().__init__(self.code)


class RegistrationMismatch(AccountsError):
    code = "data_mismatch"

    def __init__(self):
        super().__init__(
            _(
                "The data does not match our records. Check the numbers on your card and your date of birth, "
                "or call Customer Care at %(phone)s."
            )
            % {"phone": settings.BRAND["CALL_CENTER"]}
        )


class CoverageEnded(AccountsError):
    """The person proved by the code holds this membership, but its cover has ended.

    Said only after the code step: before it, ended cover gets the neutral RegistrationMismatch
    wording's path (nothing tells a stranger whose cover ended)."""

    code = "coverage_ended"
    status = 409

    def __init__(self, *, member: Member, ended_on: datetime.date | None):
        super().__init__(coverage_ended_message(member=member, ended_on=ended_on))
        self.ended_on = ended_on


def coverage_ended_message(*, member: Member, ended_on: datetime.date | None) -> str:
    """What to tell a member whose cover ended: when, and whom to call."""
    values = {
        "policy": member.policy.number,
        "date": ended_on.strftime("%d/%m/%Y") if ended_on else "",
        "phone": settings.BRAND["CALL_CENTER"],
    }
    if ended_on:
        first = _("Your membership of policy %(policy)s ended on %(date)s, so it cannot open an account.") % values
    else:
        first = _("Your membership of policy %(policy)s has ended, so it cannot open an account.") % values
    if member.policy.policy_type == PolicyType.GROUP:
        then = _(
            "If you still work there, ask your employer's HR department to renew it; for other questions "
            "call Customer Care at %(phone)s."
        )
    else:
        then = _("To restore it or for questions, call Customer Care at %(phone)s.")
    return f"{first} {then % values}"


def cover_ended_on(member: Member) -> datetime.date | None:
    """The last day of cover of an ended membership: the earlier of the member's and the policy's end."""
    ends = [day for day in (member.end_date, member.policy.end_date) if day]
    return min(ends) if ends else None


class TooManyAttempts(AccountsError):
    code = "too_many_attempts"
    status = 429
    default_message = _("Too many attempts. Please wait a while and try again.")


class RegistrationLimit(TooManyAttempts):
    """Too many details that did not match, for this member or from this connection."""

    def __init__(self):
        super().__init__(
            _(
                "Too many attempts with details that did not match. Please try again in an hour, "
                "or call Customer Care at %(phone)s."
            )
            % {"phone": settings.BRAND["CALL_CENTER"]},
            retry_after=throttle.REGISTER_WINDOW_SECONDS,
        )


class FlowExpired(AccountsError):
    code = "flow_expired"
    default_message = _("This step has expired or was already completed. Please start again.")


class LoginFailed(AccountsError):
    code = "login_failed"
    status = 401
    default_message = _("The username or password is incorrect.")


class LoginLocked(AccountsError):
    code = "login_locked"
    status = 429

    def __init__(self, *, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            _("Too many failed attempts. Try again in %(minutes)d minutes, or set a new password with Forgot password.")
            % {"minutes": minutes},
            retry_after=retry_after,
        )


class LoginSlowedDown(AccountsError):
    code = "login_slowed_down"
    status = 429

    def __init__(self, *, retry_after: int):
        super().__init__(
            _("Too many attempts for this username. Wait %(seconds)d seconds and try again.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )


class SecondFactorWrong(AccountsError):
    code = "second_factor_wrong"
    status = 401
    default_message = _("The authenticator code is not correct. Type the current 6-digit code of your app.")


class PasswordInvalid(AccountsError):
    code = "password_invalid"
    default_message = _("Please choose another password.")


# --- helpers ------------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(str(key or "").encode()).hexdigest()


def _flow_get(*, flow_key: str, kind: str, steps=None, lock: bool = False) -> AuthFlow:
    queryset = AuthFlow.objects.select_related("member__policy", "user", "challenge")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    flow = queryset.filter(key_hash=_hash_key(flow_key), kind=kind).first() if flow_key else None
    if flow is None or flow.expires_at <= timezone.now() or (steps is not None and flow.step not in steps):
        raise FlowExpired()
    return flow


def _set_step(flow: AuthFlow, step: str, **fields) -> None:
    flow.step = step
    for name, value in fields.items():
        setattr(flow, name, value)
    flow.save(update_fields=["step", "data", *fields.keys()])


def _language(request=None, language=None) -> str:
    language = language or (getattr(request, "LANGUAGE_CODE", None) if request is not None else None)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    language = language.split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def password_check(*, password1: str, password2: str, user=None) -> None:
    """Both entries equal and every validator passes; raises PasswordInvalid listing why."""
    if password1 != password2:
        raise PasswordInvalid(
            _("The two passwords are not the same."), errors=[_("The two passwords are not the same.")]
        )
    try:
        password_validation.validate_password(password1, user=user)
    except ValidationError as error:
        raise PasswordInvalid(" ".join(error.messages), errors=list(error.messages)) from None


# --- username generation ------------------------------------------------------------


def username_base(*, full_name: str, date_of_birth: datetime.date) -> str:
    """JANE RAILEY born 01/12 -> JANERA0112: the first six letters of the name, then DDMM.

    Letters only (accents folded: "Ñoño" -> NONO); a name with no letter uses "MEMBER".
    """
    folded = unicodedata.normalize("NFKD", full_name or "").encode("ascii", "ignore").decode().upper()
    letters = "".join(ch for ch in folded if "A" <= ch <= "Z")[:USERNAME_LETTERS] or "MEMBER"
    return f"{letters}{date_of_birth:%d%m}"


def username_candidates(base: str):
    """JANERA0112, then JANERA0112A ... JANERA0112Z, then JANERA0112AA ... (letters only:
    a digit suffix would read like a different birth date)."""
    yield base
    letters = [chr(code) for code in range(ord("A"), ord("Z") + 1)]
    yield from (base + letter for letter in letters)
    yield from (base + first + second for first in letters for second in letters)


def _create_login_name(*, user_factory, base: str, member) -> tuple[User, LoginName]:
    """Take the first free candidate; a concurrent registration taking it moves us to the next."""
    for candidate in username_candidates(base):
        if selectors.login_name_taken(name=candidate):
            continue
        try:
            with transaction.atomic():
                user = user_factory(candidate)
                login = LoginName.objects.create(user=user, name=candidate, member=member)
                return user, login
        except IntegrityError:
            continue
    raise AccountsError()  # 703 names for one name and birthday: not reachable in practice


# --- registration -------------------------------------------------------------------


@dataclass
class RegistrationInput:
    policy_type: str
    date_of_birth: datetime.date
    policy_number: str = ""
    participant_number: str = ""
    email: str = ""
    contact: str = ""  # Individu/DPLK: e-mail or mobile on file


def _contact_matches(member: Member, contact: str) -> bool:
    contact = (contact or "").strip()
    if not contact:
        return False
    if "@" in contact:
        return bool(member.email) and member.email.strip().lower() == contact.lower()
    wanted = otp.normalise_mobile(contact)
    return bool(member.mobile) and len(wanted) > 6 and otp.normalise_mobile(member.mobile) == wanted


def _registration_candidates(data: RegistrationInput):
    """Members the details could name, covered or not (the match decides)."""
    members = Member.objects.select_related("policy").filter(
        date_of_birth=data.date_of_birth,
        policy__policy_type=data.policy_type,
    )
    if data.policy_type == PolicyType.GROUP:
        return members.filter(
            policy__number=data.policy_number.strip(), participant_number=data.participant_number.strip()
        )
    if data.policy_type == PolicyType.INDIVIDUAL:
        return members.filter(policy__number=data.policy_number.strip())
    return members.filter(participant_number=data.participant_number.strip())


def _registration_match(data: RegistrationInput) -> Member | None:
    """The covered member the details name, or None (linking asks this too)."""
    member, ended = _registration_match_or_ended(data)
    return None if ended else member


def _registration_match_or_ended(data: RegistrationInput) -> tuple[Member | None, bool]:
    """(the member the details name, whether their cover has ended); a covered match comes first.

    Ended means covered once and no longer today; a cover that has not started yet is no match."""
    today = timezone.localdate()
    ended = None
    for member in _registration_candidates(data).order_by("-start_date", "pk")[:5]:
        if data.policy_type == PolicyType.GROUP:
            if not (member.email and member.email.strip().lower() == (data.email or "").strip().lower()):
                continue
        elif not _contact_matches(member, data.contact or data.email):
            continue
        if member.is_covered_on(today):
            return member, False
        if ended is None and member.start_date <= today and member.policy.start_date <= today:
            ended = member
    return ended, ended is not None


def registration_member_match(
    *, data: RegistrationInput, request=None, ended_allowed: bool = False
) -> tuple[Member, bool]:
    """The one member these details name, under registration's throttle; raises otherwise.

    Registration and linking a policy (accounts.linking) both come through here: wrong
    details count towards the same limits (per client IP and per person named, see
    throttle.registration_person) and get the same neutral RegistrationMismatch, and too
    many of them the same RegistrationLimit.

    Any mismatch (unknown policy, wrong birth date, someone else's e-mail) raises the same
    RegistrationMismatch. Details that match a membership whose cover has ended go on like
    any match (so nothing here tells a stranger that the cover ended); the code, sent to the
    contact on file, proves the person, and registration_verify then says when it ended.
    Linking (ended_allowed=False) matches covered memberships only.
    Returns (member, whether its cover has ended).
    """
    if data.policy_type not in PolicyType.values:
        raise RegistrationMismatch()
    ip = client_ip(request)
    identifier = throttle.registration_person(
        policy_type=data.policy_type, policy_number=data.policy_number, participant_number=data.participant_number
    )
    if throttle.register_blocked(ip, identifier):
        raise RegistrationLimit()
    member, ended = _registration_match_or_ended(data)
    if member is None or (ended and not ended_allowed):
        throttle.register_mismatch(ip, identifier)
        security_event_record(
            kind=SecurityEvent.Kind.REGISTER_MISMATCH, request=request, details={"policy_type": data.policy_type}
        )
        raise RegistrationMismatch()
    return member, ended


def registration_start(*, data: RegistrationInput, request=None) -> tuple[AuthFlow, str]:
    """Match the member; on success return the new flow and its key. Nothing is sent yet.

    A mismatch raises RegistrationMismatch; an ended cover goes on to the code step and is
    said only after the code (see registration_member_match).
    """
    member, ended = registration_member_match(data=data, request=request, ended_allowed=True)
    flow_key = otp.new_flow_key()
    flow = AuthFlow.objects.create(
        kind=AuthFlow.Kind.REGISTER,
        key_hash=_hash_key(flow_key),
        step="eula",
        member=member,
        data={"policy_type": data.policy_type, "language": _language(request), "coverage_ended": ended},
        expires_at=timezone.now() + timedelta(seconds=REGISTER_FLOW_SECONDS),
    )
    return flow, flow_key


def contact_channels(*, member: Member, policy_type: str) -> list[str]:
    """Where a code proving a membership may go: Group only to the e-mail on file;
    Individu and DPLK to the e-mail or the mobile on file (registration and linking)."""
    channels = []
    if member.email:
        channels.append(OtpChannel.EMAIL)
    if member.mobile and policy_type != PolicyType.GROUP:
        channels.append(OtpChannel.SMS)
    return channels


def registration_channels(*, flow: AuthFlow) -> list[str]:
    """Where the code may go: Group only to the e-mail on file; Individu/DPLK e-mail or SMS."""
    return contact_channels(member=flow.member, policy_type=flow.data.get("policy_type"))


def registration_accept_eula(*, flow_key: str, request=None) -> AuthFlow:
    """Store the EULA acceptance; Group (or a single contact) gets its code at once."""
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, steps={"eula"}, lock=True)
        flow.data.update({"eula_version": settings.EULA_VERSION, "eula_accepted_at": timezone.now().isoformat()})
        _set_step(flow, "channel")
    channels = registration_channels(flow=flow)
    if len(channels) == 1:
        return registration_send_code(flow_key=flow_key, channel=channels[0], request=request)
    return flow


def flow_send_code(*, flow_key: str, kind: str, purpose: str, channel: str, request=None) -> AuthFlow:
    """Send a flow's code over `channel` to the member's contact on file (never to what
    was typed), if contact_channels allows it: registration and linking a policy."""
    steps = {"channel", "otp"}
    flow = _flow_get(flow_key=flow_key, kind=kind, steps=steps)
    channels = contact_channels(member=flow.member, policy_type=flow.data.get("policy_type"))
    if channel not in channels:
        raise otp.OtpChannelNotAllowed()
    if flow.challenge_id and flow.step == "otp":
        return flow
    member = flow.member
    destination = member.email if channel == OtpChannel.EMAIL else member.mobile
    alternate = ""
    if len(channels) > 1:
        alternate = member.mobile if channel == OtpChannel.EMAIL else member.email
    challenge = otp.otp_issue(
        purpose=purpose,
        flow_key=flow_key,
        channel=channel,
        destination=destination,
        alternate_destination=alternate,
        user=flow.user,
        language=flow.data.get("language"),
        request=request,
    )
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=kind, steps=steps, lock=True)
        _set_step(flow, "otp", challenge=challenge)
    return flow


def registration_send_code(*, flow_key: str, channel: str, request=None) -> AuthFlow:
    """Send the code over `channel` to the contact on file (never to what was typed)."""
    return flow_send_code(
        flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, purpose=OtpPurpose.REGISTER, channel=channel, request=request
    )


@dataclass
class RegistrationResult:
    outcome: str  # "created" (new account), "added" (new login name, old password), "exists"
    user: User
    username: str
    flow: AuthFlow


def _eula_time(flow: AuthFlow):
    value = flow.data.get("eula_accepted_at")
    return datetime.datetime.fromisoformat(value) if value else None


def _send_username(*, user: User, username: str, member: Member, outcome: str, language: str) -> None:
    context = {
        "name": member.full_name,
        "username": username,
        "email": member.email,
        "outcome": outcome,
        "policy_number": member.policy.number,
        "policy_type": member.policy.get_policy_type_display(),
    }
    if member.email:
        notifications.email_send(
            to=member.email, template="account_username", context=context, language=language, user=user
        )
    elif member.mobile:
        notifications.sms_send(
            to=member.mobile, template="account_username", context=context, language=language, user=user
        )


def registration_verify(*, flow_key: str, code: str, request=None) -> RegistrationResult:
    """Check the code, then create the account (or add a login name to the person's account).

    The member row is locked, so two registrations of one participant at the same time
    end with one account; a member already linked gets its existing username back.
    """
    flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, steps={"otp"})
    challenge = otp.otp_verify(
        challenge_id=flow.challenge.public_id if flow.challenge else "",
        flow_key=flow_key,
        purpose=OtpPurpose.REGISTER,
        code=code,
        request=request,
    )
    now = timezone.now()
    language = flow.data.get("language") or settings.LANGUAGE_CODE
    if flow.data.get("coverage_ended"):
        # The person is proved; their cover ended: no account, and the flow ends here.
        with transaction.atomic():
            flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, steps={"otp"}, lock=True)
            _set_step(flow, "ended")
        raise CoverageEnded(member=flow.member, ended_on=cover_ended_on(flow.member))
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, steps={"otp"}, lock=True)
        member = Member.objects.select_for_update().select_related("policy").get(pk=flow.member_id)
        verified_email = challenge.destination if challenge.channel == OtpChannel.EMAIL else ""
        verified_mobile = otp.normalise_mobile(challenge.destination) if challenge.channel == OtpChannel.SMS else ""
        existing_link = (
            PolicyLink.objects.select_related("user")
            .filter(member=member, status__in=[PolicyLink.Status.ACTIVE, PolicyLink.Status.PENDING])
            .first()
        )
        if existing_link is not None:
            user = existing_link.user
            login = LoginName.objects.filter(user=user, member=member).first()
            username = login.name if login else selectors.login_names_for_user(user=user)[0]
            outcome = "exists"
        else:
            same_person = selectors.accounts_with_verified_contact(
                email=verified_email, mobile=verified_mobile, date_of_birth=member.date_of_birth
            ).first()
            base = username_base(full_name=member.full_name, date_of_birth=member.date_of_birth)
            if same_person is not None:
                user = User.objects.select_for_update().get(pk=same_person.pk)
                user, login = _create_login_name(user_factory=lambda _name: user, base=base, member=member)
                outcome = "added"
            else:

                def make_user(name):
                    return User.objects.create(
                        username=name,
                        full_name=member.full_name,
                        email=member.email,
                        mobile=otp.normalise_mobile(member.mobile),
                        date_of_birth=member.date_of_birth,
                        email_verified_at=now if verified_email else None,
                        mobile_verified_at=now if verified_mobile else None,
                        preferred_language=language,
                        eula_version=flow.data.get("eula_version", ""),
                        eula_accepted_at=_eula_time(flow),
                        password=make_password(None),  # unusable until the member sets one
                    )

                user, login = _create_login_name(user_factory=make_user, base=base, member=member)
                outcome = "created"
            username = login.name
            PolicyLink.objects.create(user=user, member=member, status=PolicyLink.Status.ACTIVE, decided_at=now)
            if outcome == "added":
                fields = ["eula_version", "eula_accepted_at"]
                user.eula_version = flow.data.get("eula_version", "")
                user.eula_accepted_at = _eula_time(flow)
                if verified_mobile and not user.mobile_verified_at and user.mobile == verified_mobile:
                    user.mobile_verified_at = now
                    fields.append("mobile_verified_at")
                user.save(update_fields=fields)
            security_event_record(
                kind=SecurityEvent.Kind.REGISTERED,
                request=request,
                user=user,
                username=username,
                details={"outcome": outcome, "policy_type": member.policy.policy_type, "member_id": member.pk},
            )
        _send_username(user=user, username=username, member=member, outcome=outcome, language=language)
        flow.data.update({"outcome": outcome, "username": username})
        _set_step(flow, "password" if outcome == "created" else "done", user=user)
    return RegistrationResult(outcome=outcome, user=user, username=username, flow=flow)


def registration_set_password(*, flow_key: str, password1: str, password2: str, request=None) -> User:
    """The new account's first password; the flow ends here."""
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER, steps={"password"}, lock=True)
        user = User.objects.select_for_update().get(pk=flow.user_id)
        if user.has_usable_password():
            raise FlowExpired()
        password_check(password1=password1, password2=password2, user=user)
        user.set_password(password1)
        user.save(update_fields=["password"])
        _set_step(flow, "done", expires_at=timezone.now() + timedelta(minutes=5))
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user, details={"reason": "registration"}
        )
    return user


def registration_state(*, flow_key: str) -> AuthFlow:
    return _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.REGISTER)


# --- login --------------------------------------------------------------------------


@dataclass
class LoginAttempt:
    """A successful sign-in. A staff account's capabilities need second_factor (accounts.decorators)."""

    user: User
    staff: bool
    second_factor: bool
    device: object = None  # the TOTP device that accepted the code (django_otp.login() takes it)


def _login_failed(*, request, name: str, ip, site: str, reason: str) -> None:
    """Count a refused try against the username+IP lockout and record it (and the lockout)."""
    now_locked = throttle.login_failure(name, ip)
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILURE, request=request, username=name, details={"site": site, "reason": reason}
    )
    if now_locked:
        security_event_record(
            kind=SecurityEvent.Kind.LOCKOUT,
            request=request,
            username=name,
            details={"site": site, "seconds": throttle.LOCK_SECONDS, "after_failures": throttle.LOCK_AFTER},
        )


def _login_refuse_if_locked(*, request, name: str, ip, site: str) -> None:
    locked = throttle.login_locked_for(name, ip)
    if locked:
        security_event_record(
            kind=SecurityEvent.Kind.LOCKOUT, request=request, username=name, details={"site": site, "active": 1}
        )
        raise LoginLocked(retry_after=locked)


def _totp_device_for_code(*, user: User, code: str):
    """The user's confirmed TOTP device that accepts `code` (each code once), else None.
    django-otp's verify_token keeps its own per-device slow-down after wrong codes."""
    code = "".join(str(code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def login_attempt(
    *,
    request,
    username: str,
    password: str,
    otp_code: str = "",
    trusted_device: bool = False,
    site: str = "member",
    second_factor_required: bool = False,
) -> LoginAttempt:
    """Every way in (member page, API, admin): lockout, slow-down, password, second factor.

    Raises LoginLocked, LoginSlowedDown, LoginFailed (the same for an unknown username and
    a wrong password, with the same hashing work) or SecondFactorWrong. A staff account
    that gives a code must give a right one; without a code it signs in with no staff
    capability (second_factor=False), unless second_factor_required (the admin) makes
    the code part of the password. Wrong passwords and wrong codes count alike towards
    the lockout of accounts.throttle.
    """
    name = normalise_username(username)
    ip = client_ip(request)
    _login_refuse_if_locked(request=request, name=name, ip=ip, site=site)
    wait = throttle.login_spacing_for(name, trusted_device)
    if wait:
        security_event_record(
            kind=SecurityEvent.Kind.LOGIN_FAILURE,
            request=request,
            username=name,
            details={"site": site, "reason": "slowed down"},
        )
        raise LoginSlowedDown(retry_after=wait)
    user = authenticate(request, username=name, password=password or "") if name and len(name) <= 150 else None
    if user is None:
        _login_failed(request=request, name=name, ip=ip, site=site, reason="credentials")
        raise LoginFailed()
    staff = is_staff_account(user)
    device = None
    if otp_code or second_factor_required:
        device = _totp_device_for_code(user=user, code=otp_code)
        if device is None:
            _login_failed(request=request, name=name, ip=ip, site=site, reason="second factor")
            raise SecondFactorWrong()
    throttle.login_success({name, *selectors.login_names_for_user(user=user)}, ip)
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_SUCCESS,
        request=request,
        user=user,
        username=name,
        details={"site": site, "second_factor": device is not None},
    )
    return LoginAttempt(user=user, staff=staff, second_factor=device is not None, device=device)


def login_second_factor(*, request, user: User, code: str) -> object:
    """The code step after a password-only sign-in (member page): the TOTP device that
    accepts `code`, under the same lockout as the password; raises LoginLocked or
    SecondFactorWrong. The caller keeps the device in the session (django_otp.login)."""
    name = normalise_username(user.username)
    ip = client_ip(request)
    _login_refuse_if_locked(request=request, name=name, ip=ip, site="member")
    device = _totp_device_for_code(user=user, code=code)
    if device is None:
        _login_failed(request=request, name=name, ip=ip, site="member", reason="second factor")
        raise SecondFactorWrong()
    throttle.login_success({name, *selectors.login_names_for_user(user=user)}, ip)
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_SUCCESS,
        request=request,
        user=user,
        username=name,
        details={"site": "member", "second_factor": True},
    )
    return device


def user_logout_everywhere(*, user: User, request=None) -> None:
    """End every session (the epoch is part of the session hash) and revoke every API token."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    api_tokens_revoke_all(user=user, request=request, reason="logout everywhere")
    security_event_record(kind=SecurityEvent.Kind.LOGOUT_EVERYWHERE, request=request, user=user)


def user_set_language(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# --- password change and reset ------------------------------------------------------


def _after_password_change(*, user: User, request, kind: str, reason: str) -> None:
    api_tokens_revoke_all(user=user, request=request, reason=reason)
    security_event_record(kind=kind, request=request, user=user, details={"reason": reason})
    if user.email:
        notifications.email_send(
            to=user.email,
            template="password_changed",
            context={"name": user.display_name, "when": timezone.localtime()},
            user=user,
        )


def password_change(*, user: User, current_password: str, password1: str, password2: str, request=None) -> User:
    """Change with the current password. Other sessions end (the session hash changes) and
    every API token is revoked; the caller keeps its own session (update_session_auth_hash)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.check_password(current_password or ""):
            security_event_record(
                kind=SecurityEvent.Kind.LOGIN_FAILURE,
                request=request,
                user=locked,
                details={"reason": "wrong current password"},
            )
            raise PasswordInvalid(
                _("Your current password is not correct."), errors=[_("Your current password is not correct.")]
            )
        password_check(password1=password1, password2=password2, user=locked)
        locked.set_password(password1)
        locked.save(update_fields=["password"])
        _after_password_change(
            user=locked, request=request, kind=SecurityEvent.Kind.PASSWORD_CHANGED, reason="password change"
        )
    return locked


def password_reset_start(*, username: str, request=None, language: str | None = None) -> tuple[AuthFlow, str]:
    """Start "Forgot password": the same answer and the same work for any username.

    A known username gets a code at its registered e-mail (or mobile when it has no
    e-mail); an unknown one gets a challenge that sends nothing and that no code opens.
    """
    name = normalise_username(username)
    user = selectors.user_by_login_name(name=name) if name else None
    if user is not None and not user.is_active:
        user = None
    flow_key = otp.new_flow_key()
    channel, destination = OtpChannel.EMAIL, ""
    if user is not None:
        if user.email:
            destination = user.email
        elif user.mobile:
            channel, destination = OtpChannel.SMS, user.mobile
    language = _language(request, language or (user.preferred_language if user else None))
    security_event_record(kind=SecurityEvent.Kind.PASSWORD_RESET_REQUESTED, request=request, user=user, username=name)
    challenge = otp.otp_issue(
        purpose=OtpPurpose.PASSWORD_RESET,
        flow_key=flow_key,
        channel=channel,
        destination=destination,
        user=user,
        language=language,
        throttle_key=f"reset:{name}",
        request=request,
    )
    flow = AuthFlow.objects.create(
        kind=AuthFlow.Kind.PASSWORD_RESET,
        key_hash=_hash_key(flow_key),
        step="otp",
        user=user,
        challenge=challenge,
        data={"username": name, "language": language},
        expires_at=timezone.now() + timedelta(seconds=RESET_FLOW_SECONDS),
    )
    return flow, flow_key


def password_reset_verify(*, flow_key: str, code: str, request=None) -> AuthFlow:
    flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.PASSWORD_RESET, steps={"otp"})
    otp.otp_verify(
        challenge_id=flow.challenge.public_id if flow.challenge else "",
        flow_key=flow_key,
        purpose=OtpPurpose.PASSWORD_RESET,
        code=code,
        request=request,
    )
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.PASSWORD_RESET, steps={"otp"}, lock=True)
        if flow.user_id is None:  # cannot happen: no code was ever sent for it
            raise FlowExpired()
        _set_step(flow, "password", expires_at=timezone.now() + timedelta(seconds=RESET_FLOW_SECONDS))
    return flow


def password_reset_complete(*, flow_key: str, password1: str, password2: str, request=None) -> User:
    with transaction.atomic():
        flow = _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.PASSWORD_RESET, steps={"password"}, lock=True)
        user = User.objects.select_for_update().get(pk=flow.user_id)
        password_check(password1=password1, password2=password2, user=user)
        user.set_password(password1)
        user.save(update_fields=["password"])
        _set_step(flow, "done", expires_at=timezone.now() + timedelta(minutes=5))
        _after_password_change(user=user, request=request, kind=SecurityEvent.Kind.PASSWORD_RESET, reason="reset")
    # A reset proves the mailbox: lift any lockout on this person's names.
    throttle.login_success(selectors.login_names_for_user(user=user), client_ip(request))
    return user


def password_reset_state(*, flow_key: str) -> AuthFlow:
    return _flow_get(flow_key=flow_key, kind=AuthFlow.Kind.PASSWORD_RESET)


# --- API tokens ---------------------------------------------------------------------


def api_token_issue(*, user: User, name: str = "", second_factor: bool = False, request=None) -> tuple[ApiToken, str]:
    """A new bearer token: 32 random bytes, returned once; only its SHA-256 is stored.
    second_factor: issued after a verified TOTP code (staff capabilities need it)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash_key(raw),
        prefix=raw[:6],
        name=(name or "")[:100],
        expires_at=timezone.now() + timedelta(days=API_TOKEN_DAYS),
        second_factor=second_factor,
    )
    security_event_record(
        kind=SecurityEvent.Kind.TOKEN_ISSUED,
        request=request,
        user=user,
        details={"token_prefix": token.prefix, "second_factor": second_factor},
    )
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The valid token for this bearer value (user active, not revoked, not expired), else None."""
    if not raw or len(raw) > 200:
        return None
    now = timezone.now()
    # Every API call comes through here: one query on the unique key_hash index, joined
    # to the user, read fresh from the database each time, so a revocation, a password
    # change (which revokes) or a deactivation counts on the next request in every process.
    try:
        token = ApiToken.objects.select_related("user").get(
            key_hash=_hash_key(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    # One write per interval at most: "last used" needs no more precision than that, and
    # a write on every call would make each read a write.
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_LAST_USED_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken, request=None) -> None:
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        security_event_record(
            kind=SecurityEvent.Kind.TOKEN_REVOKED,
            request=request,
            user=token.user,
            details={"token_prefix": token.prefix, "reason": "logout"},
        )


def api_tokens_revoke_all(*, user: User, request=None, reason: str = "") -> int:
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if count:
        security_event_record(
            kind=SecurityEvent.Kind.TOKEN_REVOKED,
            request=request,
            user=user,
            details={"count": count, "reason": reason},
        )
    return count

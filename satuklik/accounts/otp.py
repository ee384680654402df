"""One-time codes for registration, password reset and policy linking.

One mechanism for every purpose (see docs/accounts.md):

- 6 digits from `secrets`; only HMAC-SHA256(SECRET_KEY, salt:code) is stored and it is
  compared with hmac.compare_digest;
- valid OTP_TTL_SECONDS (2 minutes); single use, verified under select_for_update so
  concurrent submissions of one code succeed once;
- bound to its purpose and to the flow (a random flow key the caller keeps: in the
  session on the web, with the client in the API; only its SHA-256 is stored);
- OTP_MAX_ATTEMPTS (5) wrong tries, then void: even the right code is refused;
- resend after OTP_RESEND_COOLDOWN_SECONDS (60 s; at once if the last send failed),
  at most OTP_MAX_SENDS_PER_HOUR (5) sends per contact and purpose per hour, counted in
  the database so every app server sees the same count. A resend replaces the code
  (fresh 2 minutes, fresh tries) in the same challenge.

Usage from another app (e.g. linking a policy)::

    flow_key = otp.new_flow_key()            # keep it: session or client
    challenge = otp.otp_issue(purpose=OtpPurpose.LINK_POLICY, flow_key=flow_key,
                              channel=OtpChannel.EMAIL, destination=member.email,
                              user=request.user, request=request)
    ...
    otp.otp_verify(challenge_id=challenge.public_id, flow_key=flow_key,
                   purpose=OtpPurpose.LINK_POLICY, code=form.cleaned_data["code"])
    # raises an OtpError subclass with a translated .message on any refusal

The screen: include "accounts/partials/otp_form.html" with the context from
`otp_screen_context()` (see that function).
"""

import hashlib
import hmac
import logging
import math
import re
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from satuklik.accounts.models import OtpChallenge, OtpChannel, OtpPurpose, OtpSend, SecurityEvent
from satuklik.accounts.security import security_event_record
from satuklik.notifications import services as notifications
from satuklik.notifications.models import Message

logger = logging.getLogger(__name__)

OTP_DIGITS = 6
OTP_TTL_SECONDS = 120
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_COOLDOWN_SECONDS = 60
OTP_MAX_SENDS_PER_HOUR = 5
OTP_MESSAGE_TEMPLATE = "otp_code"

__all__ = [
    "OtpChallenge",
    "OtpChannel",
    "OtpChannelNotAllowed",
    "OtpError",
    "OtpExpired",
    "OtpPurpose",
    "OtpResendTooSoon",
    "OtpSendLimit",
    "OtpUsed",
    "OtpVoided",
    "OtpWrongCode",
    "OtpWrongFlow",
    "mask_destination",
    "mask_email",
    "mask_phone",
    "new_flow_key",
    "normalise_mobile",
    "otp_delivery_status",
    "otp_get_for_flow",
    "otp_issue",
    "otp_resend",
    "otp_screen_context",
    "otp_verify",
    "remember_challenge",
    "remembered_flow_key",
]


# --- errors -------------------------------------------------------------------------


class OtpError(Exception):
    """A refused code or send. `.message` is translated; `.code` is stable for the API."""

    code = "otp_error"
    status = 400  # the API's answer (config/api.py)
    default_message = _("The code could not be checked. Ask for a new code.")
    # Whether asking for a new code (resend) is the way forward.
    can_resend = True

    def __init__(self, message=None, *, retry_after: int | None = None):
        self.message = message or self.default_message
        self.retry_after = retry_after
        super().__init__(str(self.code))


class OtpExpired(OtpError):
    code = "otp_expired"
    default_message = _("This code has expired. Ask for a new code.")


class OtpUsed(OtpError):
    code = "otp_used"
    default_message = _("This code has already been used. Start again to get a new code.")
    can_resend = False


class OtpVoided(OtpError):
    code = "otp_voided"
    default_message = _("Too many wrong codes: this code no longer works. Ask for a new code.")


class OtpWrongCode(OtpError):
    code = "otp_wrong"

    def __init__(self, *, tries_left: int):
        message = ngettext_lazy(
            "The code is not correct. You have %(count)d more try.",
            "The code is not correct. You have %(count)d more tries.",
            "count",
        ) % {"count": tries_left}
        super().__init__(message)
        self.tries_left = tries_left


class OtpWrongFlow(OtpError):
    """Unknown challenge, another flow's challenge, or another purpose's: all look the same."""

    code = "otp_wrong_flow"
    default_message = _("This code does not belong to this step. Start again to get a new code.")
    can_resend = False


class OtpResendTooSoon(OtpError):
    code = "otp_resend_too_soon"
    status = 429

    def __init__(self, *, retry_after: int):
        message = ngettext_lazy(
            "You can ask for a new code in %(count)d second.",
            "You can ask for a new code in %(count)d seconds.",
            "count",
        ) % {"count": retry_after}
        super().__init__(message, retry_after=retry_after)


class OtpSendLimit(OtpError):
    code = "otp_send_limit"
    status = 429
    default_message = _("Too many codes were sent to this contact. Please try again in an hour.")


class OtpChannelNotAllowed(OtpError):
    code = "otp_channel_not_allowed"
    default_message = _("A code cannot be sent that way for this step.")


# --- helpers ------------------------------------------------------------------------


def new_flow_key() -> str:
    """A random key naming one flow; keep it in the session (web) or give it to the client (API)."""
    return secrets.token_urlsafe(32)


def flow_key_hash(flow_key: str) -> str:
    return hashlib.sha256(str(flow_key).encode()).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def _code_hash(code: str, salt: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def normalise_mobile(number: str) -> str:
    """081234567890, +62 812-3456-7890, 6281234567890 -> +6281234567890 ("" if no digits)."""
    digits = re.sub(r"\D", "", str(number or ""))
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits


def _normalise_destination(channel: str, destination: str) -> str:
    if channel == OtpChannel.SMS:
        return normalise_mobile(destination)
    return destination.strip().lower()


def _destination_key(purpose: str, channel: str, destination: str, throttle_key: str = "") -> str:
    # Per purpose: password-reset requests anyone can make for a known username must not
    # use up the codes the member needs to confirm a bank account or to register.
    material = f"{channel}:{_normalise_destination(channel, destination)}" if destination else f"key:{throttle_key}"
    material = f"{purpose}:{material}"
    return hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()


def mask_email(email: str) -> str:
    """jane.railey@example.com -> ja***@e***.com"""
    if not email or "@" not in email:
        return ""
    local, _sep, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_local = local[:2] + "***" if len(local) > 2 else local[:1] + "***"
    masked_host = host[:1] + "***"
    return f"{masked_local}@{masked_host}{'.' + tld if tld else ''}"


def mask_phone(phone: str) -> str:
    """+6281234567890 -> +62*******890; 081234567890 -> 08*******890"""
    if not phone:
        return ""
    compact = re.sub(r"[^\d+]", "", phone)
    keep_start = 3 if compact.startswith("+") else 2
    if len(compact) <= keep_start + 3:
        return "*" * len(compact)
    return compact[:keep_start] + "*" * (len(compact) - keep_start - 3) + compact[-3:]


def mask_destination(channel: str, destination: str) -> str:
    return mask_phone(destination) if channel == OtpChannel.SMS else mask_email(destination)


def _hourly_sends(destination_key: str) -> int:
    since = timezone.now() - timedelta(hours=1)
    return OtpSend.objects.filter(destination_key=destination_key, sent_at__gt=since).count()


def _deliver(*, challenge: OtpChallenge, code: str, destination_key: str, request=None) -> None:
    """Send the code (if there is somewhere to send it) and count the send."""
    OtpSend.objects.create(destination_key=destination_key, challenge=challenge, sent_at=challenge.sent_at)
    context = {
        "code": code,
        "minutes": OTP_TTL_SECONDS // 60,
        "purpose": challenge.get_purpose_display(),
        "purpose_key": challenge.purpose,
        "name": getattr(challenge.user, "display_name", "") if challenge.user_id else "",
    }
    if not challenge.destination:
        # A flow with nowhere to send (an unknown username at password reset) does the
        # same work (database rows, rendering the message) and stores nothing: the
        # answer must look and take the same.
        from django.template.loader import render_to_string

        render_to_string(
            f"notifications/messages/{OTP_MESSAGE_TEMPLATE}/body.txt", {**context, "brand": settings.BRAND}
        )
        return
    send = notifications.email_send if challenge.channel == OtpChannel.EMAIL else notifications.sms_send
    message = send(
        to=challenge.destination,
        template=OTP_MESSAGE_TEMPLATE,
        context=context,
        language=challenge.language or None,
        user=challenge.user,
    )
    challenge.message = message
    challenge.save(update_fields=["message"])
    security_event_record(
        kind=SecurityEvent.Kind.OTP_SENT,
        request=request,
        user=challenge.user,
        details={"purpose": challenge.purpose, "channel": challenge.channel, "challenge": str(challenge.public_id)},
    )
    challenge_pk = challenge.pk
    # Registered after message_send's own on_commit hook, so with the immediate task
    # backend the delivery outcome is already known here.
    transaction.on_commit(lambda: _report_failure(challenge_pk=challenge_pk, request=request))


def _report_failure(*, challenge_pk: int, request=None) -> None:
    challenge = OtpChallenge.objects.select_related("message", "user").filter(pk=challenge_pk).first()
    if challenge is not None:
        otp_delivery_status(challenge=challenge, request=request)


# --- services -----------------------------------------------------------------------


def otp_issue(
    *,
    purpose: str,
    flow_key: str,
    channel: str,
    destination: str,
    user=None,
    language: str | None = None,
    alternate_destination: str = "",
    throttle_key: str = "",
    request=None,
) -> OtpChallenge:
    """Create a challenge and send its code to `destination` over `channel`.

    alternate_destination: the other contact on file (an e-mail when channel is SMS, a
    mobile number when it is EMAIL), offered on the screen as "send by ... instead";
    leave empty when the flow allows one channel only (Group: registered e-mail).
    throttle_key: counts the hourly limit when destination is empty (nothing is sent).
    Raises OtpSendLimit after OTP_MAX_SENDS_PER_HOUR sends to the contact in an hour.
    """
    if purpose not in OtpPurpose.values:
        raise ValueError(f"unknown OTP purpose {purpose!r}")
    if channel not in OtpChannel.values:
        raise ValueError(f"unknown OTP channel {channel!r}")
    if not flow_key:
        raise ValueError("an OTP needs the flow key of the flow asking for it")
    with transaction.atomic():
        key = _destination_key(purpose, channel, destination, throttle_key)
        if _hourly_sends(key) >= OTP_MAX_SENDS_PER_HOUR:
            throttled = True
        else:
            throttled = False
            now = timezone.now()
            code = _new_code()
            salt = secrets.token_hex(16)
            challenge = OtpChallenge.objects.create(
                purpose=purpose,
                flow_key_hash=flow_key_hash(flow_key),
                channel=channel,
                destination=destination or "",
                alternate_destination=alternate_destination or "",
                user=user if getattr(user, "pk", None) else None,
                language=language or getattr(user, "preferred_language", "") or "",
                code_hash=_code_hash(code, salt),
                salt=salt,
                created_at=now,
                sent_at=now,
                expires_at=now + timedelta(seconds=OTP_TTL_SECONDS),
            )
            _deliver(challenge=challenge, code=code, destination_key=key, request=request)
    if throttled:
        security_event_record(
            kind=SecurityEvent.Kind.OTP_THROTTLED,
            request=request,
            user=user if getattr(user, "pk", None) else None,
            details={"purpose": purpose, "channel": channel, "reason": "hourly limit"},
        )
        raise OtpSendLimit(retry_after=3600)
    return challenge


def otp_resend(*, challenge: OtpChallenge, channel: str | None = None, request=None) -> OtpChallenge:
    """Send a fresh code for the same challenge (optionally over the other channel).

    Refused within OTP_RESEND_COOLDOWN_SECONDS of the last send (unless that send
    failed), after the hourly limit, and for a used challenge.
    """
    error = None
    with transaction.atomic():
        locked = OtpChallenge.objects.select_for_update().get(pk=challenge.pk)
        now = timezone.now()
        if locked.used_at:
            raise OtpUsed()
        if channel and channel != locked.channel:
            if channel not in OtpChannel.values or not locked.alternate_destination:
                raise OtpChannelNotAllowed()
            locked.channel, locked.destination, locked.alternate_destination = (
                channel,
                locked.alternate_destination,
                locked.destination,
            )
        last_failed = (
            locked.message_id
            and Message.objects.filter(
                pk=locked.message_id, status__in=[Message.Status.FAILED, Message.Status.RETRYING]
            ).exists()
        )
        waited = (now - locked.sent_at).total_seconds()
        if waited < OTP_RESEND_COOLDOWN_SECONDS and not last_failed:
            raise OtpResendTooSoon(retry_after=max(1, int(OTP_RESEND_COOLDOWN_SECONDS - waited + 0.999)))
        if locked.destination:
            key = _destination_key(locked.purpose, locked.channel, locked.destination)
        else:
            first_send = locked.sends.order_by("id").first()
            key = (
                first_send.destination_key
                if first_send
                else _destination_key(locked.purpose, locked.channel, "", locked.flow_key_hash)
            )
        if _hourly_sends(key) >= OTP_MAX_SENDS_PER_HOUR:
            error = OtpSendLimit(retry_after=3600)
        else:
            code = _new_code()
            locked.salt = secrets.token_hex(16)
            locked.code_hash = _code_hash(code, locked.salt)
            locked.sent_at = now
            locked.expires_at = now + timedelta(seconds=OTP_TTL_SECONDS)
            locked.attempts = 0
            locked.voided_at = None
            locked.failure_reported_at = None
            locked.send_count += 1
            locked.message = None
            locked.save(
                update_fields=[
                    "channel",
                    "destination",
                    "alternate_destination",
                    "salt",
                    "code_hash",
                    "sent_at",
                    "expires_at",
                    "attempts",
                    "voided_at",
                    "failure_reported_at",
                    "send_count",
                    "message",
                ]
            )
            _deliver(challenge=locked, code=code, destination_key=key, request=request)
    if error is not None:
        security_event_record(
            kind=SecurityEvent.Kind.OTP_THROTTLED,
            request=request,
            user=locked.user,
            details={"purpose": locked.purpose, "channel": locked.channel, "reason": "hourly limit"},
        )
        raise error
    return locked


def otp_get_for_flow(*, challenge_id, flow_key: str, purpose: str | None = None) -> OtpChallenge:
    """The challenge, only if it belongs to this flow (and purpose); else OtpWrongFlow."""
    try:
        public_id = uuid.UUID(str(challenge_id))
    except (ValueError, TypeError, AttributeError):
        raise OtpWrongFlow() from None
    challenge = OtpChallenge.objects.select_related("message", "user").filter(public_id=public_id).first()
    if challenge is None or not hmac.compare_digest(challenge.flow_key_hash, flow_key_hash(flow_key or "")):
        raise OtpWrongFlow()
    if purpose is not None and challenge.purpose != purpose:
        raise OtpWrongFlow()
    return challenge


def otp_verify(*, challenge_id, flow_key: str, purpose: str, code: str, request=None) -> OtpChallenge:
    """Accept the code once. Raises OtpWrongFlow, OtpUsed, OtpVoided, OtpExpired or OtpWrongCode.

    The row is locked (select_for_update) from the read to the write, so of many
    concurrent submissions of the right code exactly one succeeds.
    """
    try:
        public_id = uuid.UUID(str(challenge_id))
    except (ValueError, TypeError, AttributeError):
        raise OtpWrongFlow() from None
    code = re.sub(r"\s", "", str(code or ""))
    error = None
    event = None
    with transaction.atomic():
        challenge = OtpChallenge.objects.select_for_update().filter(public_id=public_id).first()
        if (
            challenge is None
            or not hmac.compare_digest(challenge.flow_key_hash, flow_key_hash(flow_key or ""))
            or challenge.purpose != purpose
        ):
            raise OtpWrongFlow()
        now = timezone.now()
        if challenge.used_at:
            error = OtpUsed()
        elif challenge.voided_at or challenge.attempts >= OTP_MAX_ATTEMPTS:
            error = OtpVoided()
        elif now >= challenge.expires_at:
            error = OtpExpired()
        elif (
            len(code) == OTP_DIGITS
            and code.isdigit()
            and hmac.compare_digest(challenge.code_hash, _code_hash(code, challenge.salt))
        ):
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            event = SecurityEvent.Kind.OTP_USED
        else:
            challenge.attempts += 1
            fields = ["attempts"]
            if challenge.attempts >= OTP_MAX_ATTEMPTS:
                challenge.voided_at = now
                fields.append("voided_at")
                error = OtpVoided()
                event = SecurityEvent.Kind.OTP_VOIDED
            else:
                error = OtpWrongCode(tries_left=OTP_MAX_ATTEMPTS - challenge.attempts)
                event = SecurityEvent.Kind.OTP_FAILED
            challenge.save(update_fields=fields)
        if event:
            security_event_record(
                kind=event,
                request=request,
                user=challenge.user,
                details={
                    "purpose": challenge.purpose,
                    "challenge": str(challenge.public_id),
                    "wrong_tries": challenge.attempts,
                },
            )
    if error is not None:
        raise error
    return challenge


def otp_delivery_status(*, challenge: OtpChallenge, request=None) -> str:
    """ "pending", "delivered" or "failed" for the screen; a failure is recorded once.

    A challenge with nowhere to send (unknown username at reset) reads "delivered", like
    a real one, so the screen never tells whether the username exists.
    """
    if not challenge.destination:
        return "delivered"
    message = challenge.message
    if message is None:
        return "pending"
    message.refresh_from_db(fields=["status", "last_error", "attempts"])
    if message.status in {Message.Status.SENT, Message.Status.STORED}:
        return "delivered"
    if message.status in {Message.Status.FAILED, Message.Status.RETRYING}:
        if challenge.failure_reported_at is None:
            updated = OtpChallenge.objects.filter(pk=challenge.pk, failure_reported_at__isnull=True).update(
                failure_reported_at=timezone.now()
            )
            if updated:
                challenge.failure_reported_at = timezone.now()
                logger.warning(
                    "OTP challenge %s: message %s not delivered (%s): %s",
                    challenge.public_id,
                    message.pk,
                    message.status,
                    message.last_error,
                )
                security_event_record(
                    kind=SecurityEvent.Kind.OTP_SEND_FAILED,
                    request=request,
                    user=challenge.user,
                    details={
                        "purpose": challenge.purpose,
                        "channel": challenge.channel,
                        "challenge": str(challenge.public_id),
                        "message_id": message.pk,
                        "status": message.status,
                        "reason": message.last_error[:120],
                    },
                )
        return "failed"
    return "pending"


def otp_screen_context(
    *,
    challenge: OtpChallenge,
    verify_url: str,
    next_url: str,
    error=None,
    request=None,
    show_destination: bool | None = None,
) -> dict:
    """What accounts/partials/otp_form.html needs. Include it as
    {% include "accounts/partials/otp_form.html" with otp=otp %} with otp=this dict.

    verify_url: where the code form posts (your flow's view, which calls otp_verify);
    next_url: where resend sends the member back (usually your OTP page);
    error: an OtpError to show; show_destination=False hides the masked contact (the
    default hides it for PASSWORD_RESET only: anyone can type a username there).
    The web views in accounts.views serve resend and delivery status for any challenge
    whose flow key the session holds: call remember_challenge(request, challenge, flow_key).
    """
    if show_destination is None:
        show_destination = challenge.purpose != OtpPurpose.PASSWORD_RESET
    now = timezone.now()
    seconds_left = max(0, math.ceil((challenge.expires_at - now).total_seconds()))
    resend_in = max(0, math.ceil(OTP_RESEND_COOLDOWN_SECONDS - (now - challenge.sent_at).total_seconds()))
    other_channel = ""
    if challenge.alternate_destination:
        other_channel = OtpChannel.SMS if challenge.channel == OtpChannel.EMAIL else OtpChannel.EMAIL
    status = otp_delivery_status(challenge=challenge, request=request)
    poll = status == "pending"
    if not show_destination and status != "failed":
        # Password reset: a code on its way and a code never sent (unknown username) must
        # look alike, so both read "sent" and both poll for the first minute (a refused
        # send still shows up as a failure).
        status = "delivered"
        poll = (now - challenge.sent_at).total_seconds() < OTP_RESEND_COOLDOWN_SECONDS
    return {
        "challenge": challenge,
        "challenge_id": str(challenge.public_id),
        "channel": challenge.channel,
        "channel_label": challenge.get_channel_display(),
        "destination": mask_destination(challenge.channel, challenge.destination) if show_destination else "",
        "other_channel": other_channel,
        "other_channel_label": OtpChannel(other_channel).label if other_channel else "",
        "other_destination": mask_destination(other_channel, challenge.alternate_destination)
        if other_channel and show_destination
        else "",
        "seconds_left": seconds_left,
        "time_left": f"{seconds_left // 60}:{seconds_left % 60:02d}",
        "resend_in": resend_in,
        "ttl_seconds": OTP_TTL_SECONDS,
        "verify_url": verify_url,
        "next_url": next_url,
        "error": error,
        "status": status,
        "poll": poll,
        "used": bool(challenge.used_at),
        "voided": bool(challenge.voided_at),
        "digits": OTP_DIGITS,
    }


# --- web session glue ----------------------------------------------------------------

_SESSION_KEY = "otp_challenges"


def remember_challenge(request, challenge: OtpChallenge, flow_key: str) -> None:
    """Let this browser session resend and poll `challenge` (accounts:otp-resend/-status)."""
    known = dict(request.session.get(_SESSION_KEY, {}))
    known[str(challenge.public_id)] = flow_key
    # Keep the last few only: a session never needs more than one or two at a time.
    request.session[_SESSION_KEY] = dict(list(known.items())[-5:])


def remembered_flow_key(request, challenge_id) -> str:
    return request.session.get(_SESSION_KEY, {}).get(str(challenge_id), "")

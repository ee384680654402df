"""Security events and the request facts they carry (IP, user agent)."""

import hashlib
import ipaddress
import logging

from django.conf import settings

from satuklik.accounts.models import SecurityEvent

logger = logging.getLogger("satuklik.security")

# Keys that must never reach an event's details, whatever a caller passes.
_SECRET_WORDS = ("password", "code", "token", "otp", "secret", "key")


def normalise_username(username) -> str:
    return str(username or "").strip().upper()[:150]


def client_ip(request) -> str | None:
    """The client's address. Behind N trusted proxies, set SATUKLIK_TRUSTED_PROXY_COUNT=N.

    With no trusted proxy the socket's address is used; X-Forwarded-For is never
    believed blindly, or an attacker could pick a fresh IP for every login try.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "SATUKLIK_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def digest(value: str) -> str:
    """A short, non-reversible key for cache entries (keeps usernames out of cache keys)."""
    material = f"{settings.SECRET_KEY}:{value}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def security_event_record(*, kind, request=None, user=None, username="", details=None) -> SecurityEvent:
    """Store one audit row and log it (without the IP's owner's secrets: none are passed)."""
    clean = {
        key: value
        for key, value in (details or {}).items()
        if not any(word in key.lower() for word in _SECRET_WORDS) or key in {"challenge", "token_prefix", "purpose"}
    }
    if not username and user is not None and getattr(user, "pk", None):
        username = user.username
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        username=normalise_username(username),
        ip=client_ip(request),
        user_agent=user_agent(request),
        details=clean,
    )
    logger.info("security event %s user=%s ip=%s", kind, event.username or "-", event.ip or "-")
    return event

"""Signed eCard payloads: compact, Ed25519, verifiable offline with the published public key.

Format (version 1), as carried in the QR code after ``/verify/``::

    <base64url(body)>.<base64url(signature)>      (no padding)

body is compact JSON (UTF-8, keys sorted, no spaces)::

    {"i":"2025-03-01","m":"87654321","p":"12345678","s":1,"u":"2025-12-31","v":1}

    v  format version (1)
    p  policy number
    m  participant number
    u  valid until: the last day of cover (ISO date), or null when open-ended
    i  issued on: the day the card was activated or last reissued (ISO date)
    s  card serial: a reissued card gets the next one; older serials stop verifying

signature is Ed25519 (RFC 8032) over the body bytes exactly as encoded. An offline
verifier decodes both parts, checks the signature with the public key from
/verify/public-key and compares "u" with today; only the online check also knows
about revocations, serial bumps and changes in cover.
"""

import base64
import binascii
import datetime
import functools
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PAYLOAD_VERSION = 1
# A payload is a few hundred characters at most; anything longer is not ours.
MAX_TOKEN_LENGTH = 600
_DERIVATION_LABEL = b"satuklik eCard signing key v1:"


class PayloadError(Exception):
    """A payload that can't be trusted. `reason`: "malformed" or "tampered"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=4)
def _private_key(configured: str, secret_key: str, production: bool) -> Ed25519PrivateKey:
    if configured:
        try:
            seed = base64.b64decode(configured, validate=True)
        except (binascii.Error, ValueError):
            seed = b""
        if len(seed) != 32:
            raise ImproperlyConfigured("CARD_SIGNING_KEY must be the base64 encoding of exactly 32 bytes.")
    elif production:
        raise ImproperlyConfigured("Set CARD_SIGNING_KEY in production (see docs/policies.md).")
    else:
        # Demo and development: stable for a given SECRET_KEY, so restarts keep cards valid.
        seed = hashlib.sha256(_DERIVATION_LABEL + secret_key.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.CARD_SIGNING_KEY, settings.SECRET_KEY, bool(getattr(settings, "PRODUCTION", False)))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_key_raw_base64() -> str:
    raw = public_key().public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_id() -> str:
    """A short fingerprint of the public key (first 8 bytes of its SHA-256, hex) to tell keys apart."""
    raw = public_key().public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def payload_body(
    *,
    policy_number: str,
    participant_number: str,
    valid_until: datetime.date | None,
    issued_on: datetime.date,
    serial: int,
) -> dict:
    return {
        "v": PAYLOAD_VERSION,
        "p": policy_number,
        "m": participant_number,
        "u": valid_until.isoformat() if valid_until else None,
        "i": issued_on.isoformat(),
        "s": serial,
    }


def payload_sign(body: dict) -> str:
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")
    return f"{_b64encode(raw)}.{_b64encode(private_key().sign(raw))}"


def payload_verify(token: str) -> dict:
    """The body of a genuine payload; PayloadError("malformed"/"tampered") otherwise."""
    token = str(token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise PayloadError("malformed")
    body_part, signature_part = token.split(".")
    try:
        raw = _b64decode(body_part)
        signature = _b64decode(signature_part)
    except (ValueError, binascii.Error):
        raise PayloadError("malformed") from None
    if len(signature) != 64:
        raise PayloadError("malformed")
    try:
        public_key().verify(signature, raw)
    except InvalidSignature:
        raise PayloadError("tampered") from None
    # Signed by us: the body is ours, but check its shape anyway (a future version).
    try:
        body = json.loads(raw.decode("utf-8"))
        if body.get("v") != PAYLOAD_VERSION:
            raise PayloadError("malformed")
        body["u"] = datetime.date.fromisoformat(body["u"]) if body.get("u") else None
        body["i"] = datetime.date.fromisoformat(body["i"])
        if not isinstance(body["s"], int) or not body["p"] or not body["m"]:
            raise PayloadError("malformed")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PayloadError("malformed") from None
    return body

"""Ed25519-signed card payloads: round trip, tampering, keys from settings, offline verification."""

import base64
import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.exceptions import ImproperlyConfigured

from satuklik.cards import signing

BODY = signing.payload_body(
    policy_number="12345678",
    participant_number="87654321",
    valid_until=datetime.date(2025, 12, 31),
    issued_on=datetime.date(2025, 3, 1),
    serial=1,
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_round_trip_and_compact():
    token = signing.payload_sign(BODY)
    body = signing.payload_verify(token)
    assert body["p"] == "12345678" and body["m"] == "87654321" and body["s"] == 1
    assert body["u"] == datetime.date(2025, 12, 31) and body["i"] == datetime.date(2025, 3, 1)
    # Small enough for a QR code a phone camera reads at arm's length.
    assert len(token) < 200
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    # Ed25519 is deterministic: the same card always carries the same QR code.
    assert signing.payload_sign(BODY) == token


def test_a_changed_body_is_tampered():
    token = signing.payload_sign(BODY)
    body_part, signature = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body_part + "=" * (-len(body_part) % 4)))
    forged["u"] = "2099-12-31"
    raw = json.dumps(forged, separators=(",", ":"), sort_keys=True).encode()
    with pytest.raises(signing.PayloadError) as error:
        signing.payload_verify(f"{b64(raw)}.{signature}")
    assert error.value.reason == "tampered"


def test_a_flipped_signature_bit_is_tampered():
    token = signing.payload_sign(BODY)
    body_part, signature = token.split(".")
    raw_signature = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw_signature[10] ^= 1
    with pytest.raises(signing.PayloadError) as error:
        signing.payload_verify(f"{body_part}.{b64(bytes(raw_signature))}")
    assert error.value.reason == "tampered"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b.c", "!!!.???", "eyJ2IjoxfQ.c2ln", "x" * 700, "eyJ2IjoxfQ." + "A" * 86 + "=="],
)
def test_garbage_is_malformed(token):
    with pytest.raises(signing.PayloadError) as error:
        signing.payload_verify(token)
    assert error.value.reason == "malformed"


def test_signed_by_another_key_is_tampered(settings):
    settings.CARD_SIGNING_KEY = base64.b64encode(b"\x01" * 32).decode()
    token = signing.payload_sign(BODY)
    settings.CARD_SIGNING_KEY = base64.b64encode(b"\x02" * 32).decode()
    with pytest.raises(signing.PayloadError) as error:
        signing.payload_verify(token)
    assert error.value.reason == "tampered"


def test_offline_verification_with_the_published_keys():
    token = signing.payload_sign(BODY)
    body_part, signature_part = token.split(".")
    body = base64.urlsafe_b64decode(body_part + "=" * (-len(body_part) % 4))
    signature = base64.urlsafe_b64decode(signature_part + "=" * (-len(signature_part) % 4))
    # What a hospital's app does with the PEM ...
    load_pem_public_key(signing.public_key_pem().encode()).verify(signature, body)
    # ... or with the raw 32 bytes.
    Ed25519PublicKey.from_public_bytes(base64.b64decode(signing.public_key_raw_base64())).verify(signature, body)
    assert json.loads(body) == {
        "i": "2025-03-01",
        "m": "87654321",
        "p": "12345678",
        "s": 1,
        "u": "2025-12-31",
        "v": 1,
    }


def test_demo_key_is_derived_from_the_secret_key(settings):
    settings.CARD_SIGNING_KEY = ""
    settings.SECRET_KEY = "one-secret-key-for-this-test-0123456789-abcdefghijklmnopqrstuvwxyz"
    first = signing.public_key_raw_base64()
    assert signing.public_key_raw_base64() == first  # a restart keeps cards valid
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789-abcdefghijklmnopqrstuv"
    assert signing.public_key_raw_base64() != first


def test_production_needs_a_configured_key(settings):
    settings.CARD_SIGNING_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        signing.payload_sign(BODY)
    settings.CARD_SIGNING_KEY = base64.b64encode(b"\x07" * 32).decode()
    assert signing.payload_verify(signing.payload_sign(BODY))["s"] == 1


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_configured_key_is_refused(settings, value):
    settings.CARD_SIGNING_KEY = value
    with pytest.raises(ImproperlyConfigured):
        signing.public_key_pem()

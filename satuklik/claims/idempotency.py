"""Idempotent requests, as Stripe designed them, for claim creation and submission.

A client sends `Idempotency-Key: <unique string>` (the web form carries one in a hidden
field). The first request with a key runs and its response is stored in the
IdempotencyKey row, written in the same transaction as the claim; a retry with the same
key and the same request gets that response again, without running anything. The same
key with another request gets 422. Keys belong to one user: another member's key never
replays their response.

Concurrency: the (user, key) row is inserted first, in a savepoint. A second request
with the same key blocks on the unique index until the first commits (PostgreSQL), or
on the database write lock (SQLite), then finds the stored response and replays it.
A request that fails (4xx) rolls back its key row too: the client may retry it.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satuklik.claims.models import IdempotencyKey

MAX_KEY_LENGTH = 255


class IdempotencyError(Exception):
    def __init__(self, message, *, status: int, code: str):
        self.message = str(message)
        self.status = status
        self.code = code
        super().__init__(self.message)


@dataclass
class Outcome:
    status: int
    body: dict
    replayed: bool
    claim_id: int | None = None


def fingerprint(*parts) -> str:
    """sha256 of the canonical JSON of the request's parts (method, path, body, file hashes)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def clean_key(key) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyError(
            _("Send an Idempotency-Key header of 1 to 255 printable characters."), status=400, code="bad_key"
        )
    return key


def run_once(*, user, key: str, request_fingerprint: str, action) -> Outcome:
    """Run `action()` -> (status, body, claim or None) once per (user, key); replay afterwards."""
    key = clean_key(key)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=user, key=key, request_fingerprint=request_fingerprint)
        except IntegrityError:
            row = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
            if row.request_fingerprint != request_fingerprint:
                raise IdempotencyError(
                    _("This Idempotency-Key was already used for a different request."),
                    status=422,
                    code="idempotency_key_reused",
                ) from None
            if row.response_status is None:  # pragma: no cover - only a crashed writer leaves this
                raise IdempotencyError(
                    _("A request with this Idempotency-Key is still being processed."),
                    status=409,
                    code="idempotency_in_progress",
                ) from None
            return Outcome(row.response_status, row.response_body, replayed=True, claim_id=row.claim_id)
        status, body, claim = action()
        row.response_status = status
        row.response_body = body
        row.claim = claim
        row.save(update_fields=["response_status", "response_body", "claim"])
    return Outcome(status, body, replayed=False, claim_id=claim.pk if claim else None)

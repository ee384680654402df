"""/api/v1/cards (the member's eCards) and /api/v1/verify (public card verification)."""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema

from satuklik.accounts.auth import member_auth
from satuklik.cards import render as card_render
from satuklik.cards import selectors, services, signing
from satuklik.core.api_errors import errors

router = Router(tags=["cards"], auth=member_auth)
verify_router = Router(tags=["verification"], auth=None)


# 401 not signed in; 422 a malformed parameter; 404 not theirs or no such card.
ERRORS = errors(401, 422)
FOUND_ERRORS = {**ERRORS, **errors(404)}


class CardOut(Schema):
    member_id: int
    full_name: str
    participant_number: str
    policy_number: str
    employer: str
    plan: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    activated: bool
    serial: int | None
    payload: str = Field(description="The signed QR payload (empty until activated); see /verify/public-key")
    verify_url: str = Field(description="What the QR code encodes (empty until activated)")


def _card_out(request, card) -> dict:
    payload = card.payload
    return {
        "member_id": card.member.pk,
        "full_name": card.member.full_name,
        "participant_number": card.member.participant_number,
        "policy_number": card.policy.number,
        "employer": card.employer,
        "plan": card.plan_name,
        "valid_from": card.valid_from,
        "valid_until": card.valid_until,
        "activated": card.activated,
        "serial": card.serial,
        "payload": payload,
        "verify_url": request.build_absolute_uri(reverse("verify:check", args=[payload])) if payload else "",
    }


@router.get(
    "", response={200: list[CardOut], **ERRORS}, summary="My eCards: one per participant of my linked Group policies"
)
def card_list(request):
    return [_card_out(request, card) for card in selectors.cards_for_user(user=request.user)]


@router.get("/{int:member_id}", response={200: CardOut, **FOUND_ERRORS}, summary="One eCard")
def card_detail(request, member_id: int):
    return _card_out(request, selectors.card_get_for_user(user=request.user, member_id=member_id))


@router.post(
    "/{int:member_id}/activate",
    response={200: CardOut, **FOUND_ERRORS, **errors(409)},
    summary="Activate an eCard (once; activating again changes nothing)",
)
def card_activate(request, member_id: int):
    card = selectors.card_get_for_user(user=request.user, member_id=member_id)
    services.card_activate(member=card.member, by=request.user)
    return _card_out(request, selectors.card_get_for_user(user=request.user, member_id=member_id))


def _file(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/{int:member_id}/png",
    response={200: bytes, **FOUND_ERRORS},
    summary="The activated eCard as a PNG image",
    openapi_extra={"responses": {200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}}},
)
def card_png(request, member_id: int):
    card = selectors.activated_card_get_for_user(user=request.user, member_id=member_id)
    url = request.build_absolute_uri(reverse("verify:check", args=[card.payload]))
    return _file(card_render.card_png(card, url), "image/png", f"ecard-{card.member.participant_number}.png")


@router.get(
    "/{int:member_id}/pdf",
    response={200: bytes, **FOUND_ERRORS},
    summary="The activated eCard as a PDF (card size)",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
    },
)
def card_pdf(request, member_id: int):
    card = selectors.activated_card_get_for_user(user=request.user, member_id=member_id)
    url = request.build_absolute_uri(reverse("verify:check", args=[card.payload]))
    return _file(card_render.card_pdf(card, url), "application/pdf", f"ecard-{card.member.participant_number}.pdf")


# --- Public verification ------------------------------------------------------------------


class PublicKeyOut(Schema):
    algorithm: Literal["Ed25519"]
    key_id: str = Field(description="First 8 bytes of SHA-256 of the raw key, hex")
    pem: str = Field(description="SubjectPublicKeyInfo, PEM")
    raw_base64: str = Field(description="The 32-byte raw public key, standard base64")
    payload_format: str


@verify_router.get(
    "/public-key", response={200: PublicKeyOut}, summary="The public key that verifies eCard QR payloads"
)
def public_key(request):
    return {
        "algorithm": "Ed25519",
        "key_id": signing.public_key_id(),
        "pem": signing.public_key_pem(),
        "raw_base64": signing.public_key_raw_base64(),
        "payload_format": (
            "base64url(body) '.' base64url(signature), no padding; signature: Ed25519 over the body bytes; "
            'body: compact JSON {"v":1,"p":policy number,"m":participant number,"u":valid-until ISO date or null,'
            '"i":issued-on ISO date,"s":card serial}'
        ),
    }


class VerifiedCardOut(Schema):
    full_name: str
    participant_number: str
    policy_number: str
    employer: str
    plan: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    serial: int | None


class VerificationOut(Schema):
    valid: bool = Field(description="Genuine, activated, not revoked, and the coverage is active today")
    reason: Literal[tuple(selectors.REASONS)]
    message: str
    checked_on: datetime.date
    card: VerifiedCardOut | None = Field(description="What the card shows; only for a genuine payload on record")


@verify_router.get(
    "/{payload}",
    response={200: VerificationOut, **errors(422)},
    summary="Verify an eCard QR payload: genuine? coverage active today?",
)
def verify(request, payload: str):
    result = selectors.card_verify(token=payload, today=timezone.localdate())
    card = result.card
    return {
        "valid": result.valid,
        "reason": result.reason,
        "message": str(result.message),
        "checked_on": result.checked_on,
        "card": (
            {
                "full_name": card.member.full_name,
                "participant_number": card.member.participant_number,
                "policy_number": card.policy.number,
                "employer": card.employer,
                "plan": card.plan_name,
                "valid_from": card.valid_from,
                "valid_until": card.valid_until,
                "serial": card.serial,
            }
            if card
            else None
        ),
    }

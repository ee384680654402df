"""eCard pages (/cards/, cached by the service worker for offline use) and public verification (/verify/).

The member's pages and downloads get no-store from satuklik.core.middleware (signed in only).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from satuklik.cards import render as card_render
from satuklik.cards import selectors, services, signing


def verify_url(request, card) -> str:
    return request.build_absolute_uri(reverse("verify:check", args=[card.payload]))


def _with_qr(request, card):
    url = verify_url(request, card) if card.activated else ""
    return {"card": card, "qr": card_render.qr_svg(url) if url else "", "verify_url": url}


@login_required
@require_GET
def card_list(request):
    """ "Kartu Digital": a card per covered participant; inactive ones offer activation."""
    cards = [_with_qr(request, card) for card in selectors.cards_for_user(user=request.user)]
    inactive = sum(1 for item in cards if not item["card"].activated)
    return render(request, "cards/list.html", {"cards": cards, "offer_activate_all": inactive > 1})


@login_required
@require_GET
def card_detail(request, member_id):
    card = selectors.card_get_for_user(user=request.user, member_id=member_id)
    return render(request, "cards/detail.html", _with_qr(request, card))


@login_required
@require_POST
def card_activate(request, member_id):
    card = selectors.card_get_for_user(user=request.user, member_id=member_id)
    try:
        services.card_activate(member=card.member, by=request.user)
    except services.CardError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The eCard is active. Show it at partner hospitals instead of the plastic card."))
    return redirect("cards:detail", member_id)


@login_required
@require_POST
def cards_activate_all(request):
    activated, refused = services.cards_activate_all(cards=selectors.cards_for_user(user=request.user), by=request.user)
    if activated:
        messages.success(
            request,
            ngettext(
                "%(count)d eCard is active. Show it at partner hospitals instead of the plastic card.",
                "%(count)d eCards are active. Show them at partner hospitals instead of the plastic cards.",
                len(activated),
            )
            % {"count": len(activated)},
        )
    for card, message in refused:
        messages.error(request, _("%(name)s: %(reason)s") % {"name": card.member.full_name, "reason": message})
    return redirect("cards:list")


def _download(content, *, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def card_png(request, member_id):
    card = selectors.activated_card_get_for_user(user=request.user, member_id=member_id)
    return _download(
        card_render.card_png(card, verify_url(request, card)),
        content_type="image/png",
        filename=f"ecard-{card.member.participant_number}.png",
    )


@login_required
@require_GET
def card_pdf(request, member_id):
    card = selectors.activated_card_get_for_user(user=request.user, member_id=member_id)
    return _download(
        card_render.card_pdf(card, verify_url(request, card)),
        content_type="application/pdf",
        filename=f"ecard-{card.member.participant_number}.pdf",
    )


# --- Public verification ------------------------------------------------------------------


@never_cache
@require_GET
def verify(request, token):
    """What a hospital sees when it scans a card: genuine? covered today? Nothing more than the card shows."""
    result = selectors.card_verify(token=token, today=timezone.localdate())
    response = render(request, "cards/verify.html", {"result": result}, status=200)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def public_key(request):
    return render(
        request,
        "cards/public_key.html",
        {"pem": signing.public_key_pem(), "raw": signing.public_key_raw_base64(), "key_id": signing.public_key_id()},
    )


@require_GET
def public_key_pem(request):
    response = HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="ecard-public-key.pem"'
    return response

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from satuklik.accounts import otp


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


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
    context = otp.otp_screen_context(
        challenge=challenge,
        verify_url="",
        next_url="",
        request=request,
    )
    return render(request, "accounts/partials/otp_status.html", {"otp": context})


@require_POST
def otp_resend(request, challenge_id):
    challenge = _challenge_for_session(request, challenge_id)
    channel = request.POST.get("channel") or None
    try:
        challenge = otp.otp_resend(challenge=challenge, channel=channel, request=request)
    except otp.OtpError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new code is on its way."))
    return redirect(_safe_next(request))

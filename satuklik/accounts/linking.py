"""Linking memberships to a person's account: request, approve, reject, unlink, select.

Group and DPLK memberships are linked at once once the member proves the contact on
file with a one-time code; an Individual policy becomes a PENDING access request that
customer service approves or rejects with a reason (admin actions in
satuklik/accounts/admin_links.py). A membership is linked to one account at most (a
partial unique constraint on PolicyLink backs this up under concurrency).

The flow (policy_link_start, policy_link_send_code, policy_link_verify) is registration's:
the same matching rule and throttle (services.registration_member_match: one neutral
message whatever did not match, so the form can't be used to find out which policy
numbers exist), the same channel rule (services.contact_channels: Group codes go only to
the e-mail on file) and the same one-time code machinery (accounts.otp). Its state is an
AuthFlow of kind LINK_POLICY owned by the signed-in user: the page keeps its id and key
in the session, the API hands them to the client (/api/v1/policies/links/).
"""

import datetime
import hmac
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuklik.accounts import otp, services
from satuklik.accounts.models import AuthFlow, OtpPurpose, PolicyLink, User
from satuklik.notifications import services as notifications
from satuklik.policies.models import Member, PolicyType

logger = logging.getLogger(__name__)

REJECT_REASON_MAX = 300
LINK_FLOW_SECONDS = 30 * 60


class LinkError(Exception):
    """A refused link or decision; `.message` is translated, `.code` is stable for the API,
    `.status` the API's HTTP status (409: the membership's state does not allow it)."""

    def __init__(self, code: str, message, *, status: int = 409):
        self.code = code
        self.message = message
        self.status = status
        super().__init__(code)


class LinkFlowNotFound(LinkError):
    """No linking flow of this user with this id: the same for one another member started."""

    def __init__(self):
        super().__init__("not_found", _("There is nothing at this address, or it is not yours."), status=404)


LINKED_ELSEWHERE = _(
    "This policy or membership is already linked to another account. "
    "Please contact customer service to have it moved to yours."
)
ALREADY_YOURS = _("This policy or membership is already linked to your account.")
ALREADY_PENDING = _("You have already asked for access to this policy; it is waiting for approval.")


NO_EMAIL_ON_FILE = _("There is no e-mail address on file for this membership. Please contact customer service.")
NO_CONTACT_ON_FILE = _("There is no e-mail address or mobile number on file. Please contact customer service.")


def member_match_for_link(
    *,
    policy_type: str,
    date_of_birth: datetime.date,
    policy_number: str = "",
    participant_number: str = "",
    email: str = "",
    contact: str = "",
) -> Member | None:
    """The membership these details name, or None: exactly the registration rule (no throttle).

    Group: policy number + participant number + date of birth + the e-mail on file;
    Individual: policy number + the insured's date of birth + e-mail or mobile on file;
    DPLK: participant number + date of birth + e-mail or mobile on file. Only active
    participants of policies in force, covered today (accounts.services).
    """
    return services._registration_match(
        services.RegistrationInput(
            policy_type=policy_type,
            date_of_birth=date_of_birth,
            policy_number=policy_number or "",
            participant_number=participant_number or "",
            email=email or "",
            contact=contact or "",
        )
    )


# --- the linking flow ---------------------------------------------------------------


def policy_link_start(
    *,
    user,
    policy_type: str,
    date_of_birth: datetime.date,
    policy_number: str = "",
    participant_number: str = "",
    email: str = "",
    contact: str = "",
    request=None,
) -> tuple[AuthFlow, str]:
    """Match the membership (registration's rule and throttle) and start a flow; returns it
    and its key. Group (or a single contact on file) gets its code at once (step otp);
    otherwise the next step is channel.

    Raises services.RegistrationMismatch / RegistrationLimit (as registration does),
    LinkError (already linked, pending, or no contact on file) or otp.OtpError.
    """
    data = services.RegistrationInput(
        policy_type=policy_type,
        date_of_birth=date_of_birth,
        policy_number=policy_number or "",
        participant_number=participant_number or "",
        email=email or "",
        contact=contact or "",
    )
    member, _ended = services.registration_member_match(data=data, request=request)
    link_check(user=user, member=member)
    channels = services.contact_channels(member=member, policy_type=policy_type)
    if not channels:
        message = NO_EMAIL_ON_FILE if policy_type == PolicyType.GROUP else NO_CONTACT_ON_FILE
        raise LinkError("no_contact_on_file", message, status=400)
    flow_key = otp.new_flow_key()
    flow = AuthFlow.objects.create(
        kind=AuthFlow.Kind.LINK_POLICY,
        key_hash=otp.flow_key_hash(flow_key),
        step="channel",
        user=user,
        member=member,
        data={"policy_type": policy_type, "language": services._language(request)},
        expires_at=timezone.now() + timedelta(seconds=LINK_FLOW_SECONDS),
    )
    if len(channels) == 1:
        flow = policy_link_send_code(
            user=user, flow_id=flow.pk, flow_key=flow_key, channel=channels[0], request=request
        )
    return flow, flow_key


def policy_link_flow_get(*, user, flow_id, flow_key: str, steps=None) -> AuthFlow:
    """The user's linking flow. Not theirs (or no such id): LinkFlowNotFound; wrong key,
    expired or past `steps`: services.FlowExpired."""
    try:
        flow_id = int(flow_id)
    except (TypeError, ValueError):
        raise LinkFlowNotFound() from None
    flow = (
        AuthFlow.objects.select_related("member__policy", "challenge")
        .filter(pk=flow_id, kind=AuthFlow.Kind.LINK_POLICY, user=user)
        .first()
    )
    if flow is None:
        raise LinkFlowNotFound()
    if (
        not hmac.compare_digest(flow.key_hash, otp.flow_key_hash(flow_key or ""))
        or flow.expires_at <= timezone.now()
        or (steps is not None and flow.step not in steps)
    ):
        raise services.FlowExpired()
    return flow


def policy_link_channels(*, flow: AuthFlow) -> list[str]:
    """Where this flow's code may go (registration's rule: Group only to the e-mail on file)."""
    return services.contact_channels(member=flow.member, policy_type=flow.data.get("policy_type"))


def policy_link_send_code(*, user, flow_id, flow_key: str, channel: str, request=None) -> AuthFlow:
    """Send the code over `channel` to the contact on file (registration's send step)."""
    policy_link_flow_get(user=user, flow_id=flow_id, flow_key=flow_key, steps={"channel", "otp"})
    return services.flow_send_code(
        flow_key=flow_key,
        kind=AuthFlow.Kind.LINK_POLICY,
        purpose=OtpPurpose.LINK_POLICY,
        channel=channel,
        request=request,
    )


def policy_link_verify(*, user, flow_id, flow_key: str, code: str, request=None) -> PolicyLink:
    """Check the code, then link (Group, DPLK: ACTIVE; Individual: PENDING). The flow ends
    with the right code, even when the link is then refused (linked meanwhile: LinkError)."""
    flow = policy_link_flow_get(user=user, flow_id=flow_id, flow_key=flow_key, steps={"otp"})
    otp.otp_verify(
        challenge_id=flow.challenge.public_id if flow.challenge else "",
        flow_key=flow_key,
        purpose=OtpPurpose.LINK_POLICY,
        code=code,
        request=request,
    )
    with transaction.atomic():
        updated = AuthFlow.objects.filter(pk=flow.pk, step="otp").update(step="done", expires_at=timezone.now())
    if not updated:  # a second request with the same code got here first
        raise services.FlowExpired()
    return link_request(user=user, member=flow.member, request=request)


def link_check(*, user, member) -> None:
    """Raise LinkError if this member can't be linked to this user (before an OTP is sent)."""
    existing = list(
        PolicyLink.objects.filter(member=member, status__in=[PolicyLink.Status.ACTIVE, PolicyLink.Status.PENDING])
    )
    for link in existing:
        if link.user_id != user.pk:
            raise LinkError("linked_elsewhere", LINKED_ELSEWHERE)
        if link.status == PolicyLink.Status.PENDING:
            raise LinkError("already_pending", ALREADY_PENDING)
        raise LinkError("already_linked", ALREADY_YOURS)


def link_request(*, user, member, request=None) -> PolicyLink:
    """Link a membership whose contact the user just proved (OTP verified by the caller).

    Group and DPLK: ACTIVE at once; it becomes the selected policy only when none was
    (the member stays on the policy they were using, the menu says where the new one is).
    Individual: PENDING until customer service decides. Raises LinkError if linked meanwhile.
    """
    status = (
        PolicyLink.Status.PENDING if member.policy.policy_type == PolicyType.INDIVIDUAL else PolicyLink.Status.ACTIVE
    )
    try:
        with transaction.atomic():
            # Lock the membership so two accounts racing for it queue up here.
            Member.objects.select_for_update().filter(pk=member.pk).first()
            link_check(user=user, member=member)
            link = PolicyLink.objects.create(user=user, member=member, status=status)
            if status == PolicyLink.Status.ACTIVE and user.selected_link_id is None:
                User.objects.filter(pk=user.pk).update(selected_link=link)
                user.selected_link = link
    except IntegrityError:
        # The partial unique constraint: someone linked it between our check and insert.
        raise LinkError("linked_elsewhere", LINKED_ELSEWHERE) from None
    logger.info("policy link %s requested by user %s: %s", link.pk, user.pk, status)
    _notify(link=link, template="link_linked" if status == PolicyLink.Status.ACTIVE else "link_requested")
    return link


def link_approve(*, link_id: int, by) -> PolicyLink:
    """Customer service approves a PENDING Individual-policy access request."""
    with transaction.atomic():
        link = PolicyLink.objects.select_for_update().select_related("user", "member__policy").get(pk=link_id)
        if link.status != PolicyLink.Status.PENDING:
            raise LinkError("not_pending", _("Only a pending request can be approved."))
        link.status = PolicyLink.Status.ACTIVE
        link.decided_at = timezone.now()
        link.decided_by = by
        link.save(update_fields=["status", "decided_at", "decided_by"])
        if link.user.selected_link_id is None:
            User.objects.filter(pk=link.user_id).update(selected_link=link)
        _notify(link=link, template="link_approved")
    logger.info("policy link %s approved by %s", link.pk, by.pk)
    return link


def link_reject(*, link_id: int, by, reason: str) -> PolicyLink:
    """Customer service rejects a PENDING request; the reason is shown to the member."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise LinkError("reason_required", _("Give the member a reason for the rejection."))
    if len(reason) > REJECT_REASON_MAX:
        raise LinkError("reason_too_long", _("The reason is too long (300 characters at most)."))
    with transaction.atomic():
        link = PolicyLink.objects.select_for_update().select_related("user", "member__policy").get(pk=link_id)
        if link.status != PolicyLink.Status.PENDING:
            raise LinkError("not_pending", _("Only a pending request can be rejected."))
        link.status = PolicyLink.Status.REJECTED
        link.decided_at = timezone.now()
        link.decided_by = by
        link.reject_reason = reason
        link.save(update_fields=["status", "decided_at", "decided_by", "reject_reason"])
        _notify(link=link, template="link_rejected")
    logger.info("policy link %s rejected by %s", link.pk, by.pk)
    return link


def link_unlink(*, link_id: int, by) -> PolicyLink:
    """Remove an ACTIVE link (customer service, e.g. a membership moved to another account).

    The membership's eCards stop verifying: a card is valid only under an active link.
    """
    with transaction.atomic():
        link = PolicyLink.objects.select_for_update().select_related("user").get(pk=link_id)
        if link.status != PolicyLink.Status.ACTIVE:
            raise LinkError("not_active", _("Only a linked policy can be unlinked."))
        link.status = PolicyLink.Status.UNLINKED
        link.decided_at = timezone.now()
        link.decided_by = by
        link.save(update_fields=["status", "decided_at", "decided_by"])
        if link.user.selected_link_id == link.pk:
            User.objects.filter(pk=link.user_id).update(selected_link=None)
    logger.info("policy link %s unlinked by %s", link.pk, by.pk)
    return link


def link_select(*, user, link_id) -> PolicyLink:
    """Remember which linked policy the main page follows; only the user's ACTIVE links."""
    try:
        link = PolicyLink.objects.get(pk=int(link_id), user=user, status=PolicyLink.Status.ACTIVE)
    except (PolicyLink.DoesNotExist, ValueError, TypeError):
        raise LinkError("unknown_link", _("Choose one of your linked policies.")) from None
    if user.selected_link_id != link.pk:
        user.selected_link = link
        user.save(update_fields=["selected_link"])
    return link


def _notify(*, link: PolicyLink, template: str) -> None:
    """E-mail (if the account has an address) and an in-app notification about a link."""
    from satuklik.policies.selectors import membership_label

    user = link.user
    label = membership_label(link.member)
    context = {"name": user.display_name, "label": label, "reason": link.reject_reason, "status": link.status}
    titles = {
        "link_linked": _("Policy linked: %(label)s"),
        "link_requested": _("Access request received: %(label)s"),
        "link_approved": _("Access approved: %(label)s"),
        "link_rejected": _("Access request rejected: %(label)s"),
    }
    if user.email:
        notifications.email_send(to=user.email, template=template, context=context, user=user)
    from django.utils import translation

    with translation.override(user.preferred_language or None):
        title = str(titles[template] % {"label": label})
        body = ""
        if template == "link_rejected":
            body = str(_("Reason: %(reason)s") % {"reason": link.reject_reason})
    notifications.inbox_notify(user=user, title=title, body=body, link=reverse("core:home"))

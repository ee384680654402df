"""Linking memberships to a person's account: request, approve, reject, unlink, select.

Group and DPLK memberships are linked at once once the member proves the contact on
file with a one-time code; an Individual policy becomes a PENDING access request that
customer service approves or rejects with a reason (admin actions in
satuklik/accounts/admin_links.py). A membership is linked to one account at most (a
partial unique constraint on PolicyLink backs this up under concurrency).

The matching rule (member_match_for_link) asks the same data as registration and
answers with one neutral message whatever did not match, so the form can't be used
to find out which policy numbers exist.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import PolicyLink, User
from satuklik.notifications import services as notifications
from satuklik.policies.models import Member, PolicyType

logger = logging.getLogger(__name__)

REJECT_REASON_MAX = 300


class LinkError(Exception):
    """A refused link or decision; `.message` is translated, `.code` is stable for the API."""

    def __init__(self, code: str, message):
        self.code = code
        self.message = message
        super().__init__(code)


LINKED_ELSEWHERE = _(
    "This policy or membership is already linked to another account. "
    "Please contact customer service to have it moved to yours."
)
ALREADY_YOURS = _("This policy or membership is already linked to your account.")
ALREADY_PENDING = _("You have already asked for access to this policy; it is waiting for approval.")


def member_match_for_link(
    *,
    policy_type: str,
    date_of_birth: datetime.date,
    policy_number: str = "",
    participant_number: str = "",
    email: str = "",
    contact: str = "",
) -> Member | None:
    """The membership these details name, or None: exactly the registration rule.

    Group: policy number + participant number + date of birth + the e-mail on file;
    Individual: policy number + the insured's date of birth + e-mail or mobile on file;
    DPLK: participant number + date of birth + e-mail or mobile on file. Only active
    participants of policies in force, covered today (accounts.services).
    """
    from satuklik.accounts import services

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


def no_match_message():
    """The neutral refusal registration gives too: nothing tells which field was wrong."""
    from satuklik.accounts import services

    return services.RegistrationMismatch().message


def limit_message():
    """Registration's message when too many details did not match (per member, per IP)."""
    from satuklik.accounts import services

    return services.RegistrationLimit().message


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

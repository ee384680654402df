from django import template

from satuklik.claims.models import Claim, mask_account_number

register = template.Library()

S = Claim.Status
_BADGES = {
    S.DRAFT: "",
    S.SUBMITTED: "",
    S.IN_REVIEW: "",
    S.DOCUMENTS_REQUESTED: "badge-warn",
    S.APPROVED: "badge-ok",
    S.PARTLY_APPROVED: "badge-warn",
    S.REJECTED: "badge-bad",
    S.APPEALED: "badge-warn",
    S.PAID: "badge-ok",
}


@register.filter
def status_badge(status):
    """The badge colour of a claim status."""
    return _BADGES.get(status, "")


@register.filter
def masked(number):
    """A bank account number with only its last four digits shown."""
    return mask_account_number(number or "")


@register.filter
def filesize(size):
    size = int(size or 0)
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"

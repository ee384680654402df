from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person's account. Usernames are generated (JANERA0112) and matched case-insensitively."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    preferred_language = models.CharField(_("language"), max_length=5, default="id")
    # The policy the main page follows, remembered across sessions.
    selected_link = models.ForeignKey(
        "accounts.PolicyLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.username

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username


class PolicyLink(models.Model):
    """A membership (policies.Member) linked to a person's account.

    Group and DPLK memberships are ACTIVE at once; an Individual policy waits as PENDING
    until customer service approves. A member is linked to at most one account.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending approval")
        ACTIVE = "ACTIVE", _("Linked")
        REJECTED = "REJECTED", _("Rejected")
        UNLINKED = "UNLINKED", _("Unlinked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="policy_links")
    member = models.ForeignKey("policies.Member", on_delete=models.PROTECT, related_name="links")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("policy link")
        verbose_name_plural = _("policy links")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["PENDING", "ACTIVE"]),
                name="policy_link_one_account_per_member",
            )
        ]

    def __str__(self):
        return f"{self.user} - {self.member} ({self.status})"

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person's account. Usernames are generated (JANERA0112) and matched case-insensitively.

    One person has one User; every membership they registered gives them one more
    LoginName, and `username` is the first of them.
    """

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    preferred_language = models.CharField(_("language"), max_length=5, default="id")
    # The policy the main page follows, remembered across sessions.
    selected_link = models.ForeignKey(
        "accounts.PolicyLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which contact the person proved they control with a one-time code (registration).
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    mobile_verified_at = models.DateTimeField(_("mobile verified"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    eula_version = models.CharField(_("EULA version accepted"), max_length=20, blank=True)
    eula_accepted_at = models.DateTimeField(_("EULA accepted"), null=True, blank=True)
    # Bumped by "log out everywhere": it is part of the session hash, so every session
    # signed in before the bump stops verifying (as a password change already does).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self):
        return self.username

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django's own check (django.contrib.auth.get_user) compares this on every
        # request: the password hash and the epoch both end sessions when they change.
        return salted_hmac(
            "satuklik.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class LoginName(models.Model):
    """A username a person can log in with; stored upper-case so matching ignores case."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_names")
    name = models.CharField(_("username"), max_length=150, unique=True)
    # The membership whose registration produced this name (empty for staff or imports).
    member = models.ForeignKey(
        "policies.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="login_names"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("login name")
        verbose_name_plural = _("login names")
        constraints = [models.CheckConstraint(condition=models.Q(name=Upper("name")), name="login_name_upper_case")]

    def __str__(self):
        return self.name


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


class OtpPurpose(models.TextChoices):
    REGISTER = "REGISTER", _("Registration")
    PASSWORD_RESET = "PASSWORD_RESET", _("Password reset")
    LINK_POLICY = "LINK_POLICY", _("Linking a policy")
    # eClaim: paying a claim to a bank account other than the last one used.
    BANK_ACCOUNT = "BANK_ACCOUNT", _("Confirming a bank account")


class OtpChannel(models.TextChoices):
    EMAIL = "EMAIL", _("E-mail")
    SMS = "SMS", _("SMS")


class OtpChallenge(models.Model):
    """One one-time code, bound to a purpose and to the flow that asked for it.

    Only an HMAC of the code is kept. A resend replaces the code (and its 2 minutes)
    in place, so the challenge id the screen holds stays the same.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=OtpPurpose.choices)
    # SHA-256 of the flow key: the key itself is a bearer secret of the flow.
    flow_key_hash = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(_("channel"), max_length=5, choices=OtpChannel.choices)
    destination = models.CharField(_("sent to"), max_length=254, blank=True)
    # The other contact on file, offered on the screen when the flow allows it.
    alternate_destination = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="otp_challenges")
    language = models.CharField(max_length=5, blank=True)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    send_count = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    # The last e-mail/SMS carrying the code: the screen polls its delivery status.
    message = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self):
        return f"{self.get_purpose_display()} {self.public_id}"


class OtpSend(models.Model):
    """One code sent to a contact: counts the hourly send limit across every app server.

    destination_key is an HMAC of the normalised contact, so this table holds no address.
    """

    destination_key = models.CharField(max_length=64)
    challenge = models.ForeignKey(OtpChallenge, on_delete=models.CASCADE, related_name="sends")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["destination_key", "sent_at"], name="otp_send_dest_time_idx")]

    def __str__(self):
        return f"{self.challenge_id} {self.sent_at:%Y-%m-%d %H:%M:%S}"


class AuthFlow(models.Model):
    """Server-side state of a multi-step flow (registration, password reset, linking a policy).

    The web keeps the flow key in the session; the API hands it to the client. Only its
    SHA-256 is stored. `data` holds ids and choices, never a code or a password.
    """

    class Kind(models.TextChoices):
        REGISTER = "REGISTER", _("Registration")
        PASSWORD_RESET = "PASSWORD_RESET", _("Password reset")
        LINK_POLICY = "LINK_POLICY", _("Linking a policy")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    step = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("policies.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(OtpChallenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sign-up or reset flow")
        verbose_name_plural = _("sign-up and reset flows")

    def __str__(self):
        return f"{self.kind} {self.step}"


class ApiToken(models.Model):
    """A bearer token for the mobile apps: shown once, stored as SHA-256, expires, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, to tell tokens apart in the back office; not enough to use one.
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Issued after a verified TOTP code: staff capabilities (the officer API) need it.
    second_factor = models.BooleanField(_("second factor"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_valid(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class SecurityEvent(models.Model):
    """An audit row: who tried what, from where. `details` never holds a secret."""

    class Kind(models.TextChoices):
        LOGIN_SUCCESS = "LOGIN_SUCCESS", _("Login succeeded")
        LOGIN_FAILURE = "LOGIN_FAILURE", _("Login failed")
        LOCKOUT = "LOCKOUT", _("Locked out")
        LOGOUT = "LOGOUT", _("Logged out")
        LOGOUT_EVERYWHERE = "LOGOUT_ALL", _("Logged out everywhere")
        OTP_SENT = "OTP_SENT", _("Code sent")
        OTP_SEND_FAILED = "OTP_SEND_FAILED", _("Code could not be delivered")
        OTP_FAILED = "OTP_FAILED", _("Wrong code")
        OTP_USED = "OTP_USED", _("Code used")
        OTP_VOIDED = "OTP_VOIDED", _("Code voided")
        OTP_THROTTLED = "OTP_THROTTLED", _("Code send refused (limit)")
        REGISTERED = "REGISTERED", _("Registered")
        REGISTER_MISMATCH = "REGISTER_MISMATCH", _("Registration data did not match")
        PASSWORD_CHANGED = "PASSWORD_CHANGED", _("Password changed")
        PASSWORD_RESET = "PASSWORD_RESET", _("Password reset")
        PASSWORD_RESET_REQUESTED = "RESET_REQUESTED", _("Password reset requested")
        TOKEN_ISSUED = "TOKEN_ISSUED", _("API token issued")
        TOKEN_REVOKED = "TOKEN_REVOKED", _("API token revoked")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events")
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [
            models.Index(fields=["username", "-created_at"], name="secevent_username_idx"),
            models.Index(fields=["ip", "-created_at"], name="secevent_ip_idx"),
            models.Index(fields=["kind", "-created_at"], name="secevent_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username} {self.created_at:%Y-%m-%d %H:%M}"

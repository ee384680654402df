from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One e-mail or SMS, from the moment it is asked for until it is delivered.

    In outbox (demo) mode the message is kept and shown at /outbox/. In production the
    body is cleared once delivered, so no code or link stays readable in the database.
    """

    class Channel(models.TextChoices):
        EMAIL = "EMAIL", _("E-mail")
        SMS = "SMS", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Queued")
        SENT = "SENT", _("Sent")
        STORED = "STORED", _("In the outbox")
        RETRYING = "RETRYING", _("Retrying")
        FAILED = "FAILED", _("Failed")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=80)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_channel_display()} to {self.recipient}: {self.template}"

    @property
    def delivered(self):
        return self.status in {self.Status.SENT, self.Status.STORED}


class InboxItem(models.Model):
    """An in-app notification shown to a signed-in member."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_user_created_idx"),
            # The unread count is shown on every page a member sees.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="inbox_user_unread_idx"),
        ]
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")

    def __str__(self):
        return self.title

    @property
    def unread(self):
        return self.read_at is None

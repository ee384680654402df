"""Back office over e-mail/SMS messages (read-only) and in-app notifications.

Messages are a record of what the app sent: nobody edits or adds one here. Outside
the demo outbox a message body may still hold a one-time code until it is delivered
(then it is cleared), so the body is shown to staff only in outbox (demo) mode.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from satuklik.notifications.models import InboxItem, Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "template", "language", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "template", "language"]
    search_fields = ["recipient", "subject", "template", "user__username", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        ("channel", "status"),
        ("recipient", "user"),
        ("template", "language"),
        "subject",
        "body_shown",
        ("attempts", "last_error"),
        ("created_at", "sent_at"),
    ]
    # View-only (no change permission): every field shows as text; the body through body_shown.
    readonly_fields = ["body_shown"]

    @admin.display(description=_("body"))
    def body_shown(self, obj):
        if not settings.NOTIFICATIONS_OUTBOX:
            return _("(not shown: it may hold a one-time code)")
        return obj.body

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "read_at"]

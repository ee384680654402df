import ipaddress

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuklik.accounts.models import ApiToken, LoginName, PolicyLink, SecurityEvent, User


# The participant of a login name or a link is set by registration and linking, which
# verify the person; shown read-only here (and fetched with the rows: no query per row).
class LoginNameInline(admin.TabularInline):
    model = LoginName
    extra = 0
    fields = ["name", "member", "created_at"]
    readonly_fields = ["member", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class PolicyLinkInline(admin.TabularInline):
    model = PolicyLink
    fk_name = "user"
    extra = 0
    fields = ["member", "status", "created_at", "decided_at"]
    readonly_fields = ["member", "created_at", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False  # links come from "Tambah Polis" (linking), which checks the person

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "member")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active", "preferred_language"]
    search_fields = ["username", "login_names__name", "full_name", "email", "mobile"]
    ordering = ["-date_joined"]
    inlines = [LoginNameInline, PolicyLinkInline]
    readonly_fields = [
        "last_login",
        "date_joined",
        "email_verified_at",
        "mobile_verified_at",
        "eula_version",
        "eula_accepted_at",
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Member"),
            {
                "fields": [
                    "full_name",
                    "date_of_birth",
                    "email",
                    "email_verified_at",
                    "mobile",
                    "mobile_verified_at",
                    "preferred_language",
                    "eula_version",
                    "eula_accepted_at",
                ]
            },
        ),
        (_("Staff"), {"fields": ["first_name", "last_name", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(PolicyLink)
class PolicyLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "member", "status", "created_at", "decided_at"]
    list_filter = ["status", "member__policy__policy_type"]
    search_fields = ["user__username", "member__participant_number", "member__policy__number", "member__full_name"]
    raw_id_fields = ["user", "member", "decided_by"]
    list_select_related = ["user", "member"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only audit trail: search by username or IP, filter by kind and date."""

    list_display = ["created_at", "kind", "username", "user", "ip", "short_user_agent"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username"]  # see get_search_results: username or IP
    search_help_text = _("A username or an IP address")
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["kind", "user", "username", "ip", "user_agent", "created_at", "details"]
    show_full_result_count = False

    @admin.display(description=_("user agent"))
    def short_user_agent(self, event):
        return event.user_agent[:60]

    def get_search_results(self, request, queryset, search_term):
        """An IP address finds its events; anything else is a username (stored upper-case)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            ip = str(ipaddress.ip_address(term))
        except ValueError:
            name = term.upper()
            return queryset.filter(Q(username=name) | Q(user__username__iexact=name)), False
        return queryset.filter(ip=ip), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "prefix"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "prefix", "name", "created_at", "expires_at", "last_used_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from satuklik.accounts import services

        for token in queryset.select_related("user"):
            services.api_token_revoke(token=token, request=request)

    def has_add_permission(self, request):
        return False

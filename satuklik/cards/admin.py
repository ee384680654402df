from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from satuklik.accounts import admin_links
from satuklik.cards import services
from satuklik.cards.models import CardActivation, CardRevocation

# The PolicyLink back office (approve/reject Individual access requests) lives with the
# linking code in accounts; registered here because this module is autodiscovered.
admin_links.register()


@admin.register(CardActivation)
class CardActivationAdmin(admin.ModelAdmin):
    list_display = ["member", "serial", "issued_on", "activated_at", "activated_by"]
    search_fields = ["member__participant_number", "member__full_name", "member__policy__number"]
    list_select_related = ["member", "activated_by"]
    readonly_fields = ["member", "serial", "issued_on", "activated_at", "activated_by"]
    actions = ["revoke", "reissue"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the current card (its QR code stops verifying)"), permissions=["change"])
    def revoke(self, request, queryset):
        for activation in queryset.select_related("member"):
            services.card_revoke(member=activation.member, by=request.user, reason=str(_("Revoked in the back office")))
        count = queryset.count()
        self.message_user(request, ngettext("%d card revoked.", "%d cards revoked.", count) % count, messages.SUCCESS)

    @admin.action(description=_("Reissue with a new serial (older QR codes stop verifying)"), permissions=["change"])
    def reissue(self, request, queryset):
        for activation in queryset.select_related("member"):
            services.card_reissue(member=activation.member, by=request.user)
        count = queryset.count()
        self.message_user(request, ngettext("%d card reissued.", "%d cards reissued.", count) % count, messages.SUCCESS)


@admin.register(CardRevocation)
class CardRevocationAdmin(admin.ModelAdmin):
    list_display = ["member", "serial", "revoked_at", "revoked_by", "reason"]
    search_fields = ["member__participant_number", "member__full_name"]
    list_select_related = ["member", "revoked_by"]
    readonly_fields = ["member", "serial", "revoked_at", "revoked_by", "reason"]

    def has_add_permission(self, request):
        return False

"""Back office for policy links: customer service approves or rejects Individual-policy
access requests (with a reason the member sees) and unlinks memberships.

Decisions go through satuklik.accounts.linking (row lock, history fields, e-mail and
in-app notification); the admin never edits a link's fields directly. Registered from
satuklik/cards/admin.py (autodiscovered after accounts.admin, whose plain PolicyLink list
it replaces) until accounts' own admin registers this class itself.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from satuklik.accounts import linking
from satuklik.accounts.models import PolicyLink


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the member"),
        max_length=linking.REJECT_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PolicyLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "policy_type", "status", "created_at", "decided_at", "decided_by"]
    list_filter = ["status", "member__policy__policy_type"]
    search_fields = [
        "user__username",
        "user__full_name",
        "member__policy__number",
        "member__participant_number",
        "member__full_name",
    ]
    list_select_related = ["user", "member__policy", "decided_by"]
    raw_id_fields = ["user", "member", "decided_by"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["approve", "reject", "unlink"]
    readonly_fields = ["user", "member", "status", "created_at", "decided_at", "decided_by", "reject_reason"]

    @admin.display(description=_("type"), ordering="member__policy__policy_type")
    def policy_type(self, obj):
        return obj.member.policy.get_policy_type_display()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, action, **kwargs):
        done, refused = 0, []
        for link in queryset:
            try:
                action(link_id=link.pk, by=request.user, **kwargs)
                done += 1
            except linking.LinkError as error:
                refused.append(f"{link}: {error.message}")
        return done, refused

    @admin.action(description=_("Approve the selected access requests"), permissions=["change"])
    def approve(self, request, queryset):
        done, refused = self._apply(request, queryset, linking.link_approve)
        if done:
            self.message_user(
                request, ngettext("%d request approved.", "%d requests approved.", done) % done, messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Reject the selected access requests (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done, refused = self._apply(request, queryset, linking.link_reject, reason=form.cleaned_data["reason"])
            if done:
                self.message_user(
                    request, ngettext("%d request rejected.", "%d requests rejected.", done) % done, messages.SUCCESS
                )
            for line in refused:
                self.message_user(request, line, messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject access requests"),
            "links": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "policies/admin/link_reject.html", context)

    @admin.action(description=_("Unlink the selected policies (their eCards stop verifying)"), permissions=["change"])
    def unlink(self, request, queryset):
        done, refused = self._apply(request, queryset, linking.link_unlink)
        if done:
            self.message_user(request, ngettext("%d link removed.", "%d links removed.", done) % done, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


def register(site=admin.site):
    """Register (or take over) the PolicyLink admin: decisions need these actions."""
    if site.is_registered(PolicyLink):
        if isinstance(site._registry[PolicyLink], PolicyLinkAdmin):
            return
        # A plain list registered elsewhere (accounts.admin) lacks approve/reject/unlink.
        site.unregister(PolicyLink)
    site.register(PolicyLink, PolicyLinkAdmin)

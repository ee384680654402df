"""Back office over the insurer's data: policyholders, policies, plans and benefits,
members and dependents, Individual policy details and DPLK accounts.

Every list page joins what it shows (list_select_related) and every foreign key is
picked with an autocomplete box, so neither a list nor a form loads thousands of rows.
The data comes from the core system through imports: deleting is for administrators
(customer service has no delete permission, see satuklik/core/roles.py).
"""

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from satuklik.core.money import format_rupiah
from satuklik.policies.models import (
    Beneficiary,
    BenefitItem,
    DplkAccount,
    DplkContribution,
    DplkFundBalance,
    IndividualPolicy,
    Member,
    Plan,
    Policy,
    PolicyHolder,
    PolicyType,
)


def rupiah_column(field_name, description):
    """A list column showing an integer rupiah field the Indonesian way (Rp 1.250.000)."""

    @admin.display(description=description, ordering=field_name)
    def column(obj):
        return format_rupiah(getattr(obj, field_name))

    column.__name__ = f"{field_name}_rupiah"
    return column


# --- Policyholders and policies ---------------------------------------------------------


@admin.register(PolicyHolder)
class PolicyHolderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "phone", "email"]
    list_filter = ["city"]
    search_fields = ["code", "name", "email", "city"]
    ordering = ["name"]


class PlanInline(admin.TabularInline):
    model = Plan
    fields = ["code", "name"]
    extra = 0
    show_change_link = True


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    fields = ["full_name", "relation", "share_percent"]
    extra = 0


class IndividualPolicyInline(admin.StackedInline):
    model = IndividualPolicy
    fields = [
        ("product_name", "premium_frequency"),
        ("sum_assured", "premium_amount"),
        ("next_due_date", "payment_status"),
    ]
    extra = 0
    max_num = 1
    can_delete = False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "policy_type", "status", "holder_column", "start_date", "end_date"]
    list_filter = ["policy_type", "status"]
    search_fields = ["number", "holder__name", "holder_name", "holder__code"]
    list_select_related = ["holder"]
    autocomplete_fields = ["holder"]
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": [("number", "policy_type", "status"), ("start_date", "end_date")]}),
        (_("Policyholder"), {"fields": ["holder", "holder_name"]}),
    ]
    inlines = [IndividualPolicyInline, BeneficiaryInline, PlanInline]

    @admin.display(description=_("policyholder"), ordering="holder__name")
    def holder_column(self, obj):
        return obj.holder_display

    def get_inlines(self, request, obj):
        # Show only what fits the policy type: plans for Group, details and beneficiaries for Individual.
        if obj is None:
            return self.inlines
        if obj.policy_type == PolicyType.INDIVIDUAL:
            return [IndividualPolicyInline, BeneficiaryInline]
        if obj.policy_type == PolicyType.GROUP:
            return [PlanInline]
        return []


# --- Plans and benefits -----------------------------------------------------------------


class BenefitItemInline(admin.TabularInline):
    model = BenefitItem
    fields = [
        "benefit_type",
        "code",
        "name",
        "name_en",
        "limit_amount",
        "limit_period",
        "annual_limit_amount",
        "count_limit",
        "count_period_months",
        "copay_percent",
        "deductible_amount",
        "waiting_period_days",
        "cashless",
        "sort_order",
    ]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")  # each row's title names its plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "policy", "holder_column"]
    list_filter = ["policy__holder"]
    search_fields = ["code", "name", "policy__number", "policy__holder__name"]
    list_select_related = ["policy__holder"]
    autocomplete_fields = ["policy"]
    inlines = [BenefitItemInline]

    @admin.display(description=_("policyholder"), ordering="policy__holder__name")
    def holder_column(self, obj):
        return obj.policy.holder_display if obj.policy_id else ""


@admin.register(BenefitItem)
class BenefitItemAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "benefit_type",
        "code",
        "name",
        rupiah_column("limit_amount", _("limit")),
        "limit_period",
        "count_limit",
        "copay_percent",
        "waiting_period_days",
        "cashless",
    ]
    list_filter = ["benefit_type", "limit_period", "cashless"]
    search_fields = ["code", "name", "name_en", "plan__code", "plan__name"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]


# --- Members ----------------------------------------------------------------------------


class DependentInline(admin.TabularInline):
    model = Member
    fk_name = "principal"
    verbose_name = _("dependent")
    verbose_name_plural = _("dependents")
    fields = ["participant_number", "full_name", "relation", "gender", "date_of_birth", "start_date", "end_date"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A dependent belongs to the principal's policy and plan.
        formset.form.base_fields["relation"].choices = [
            choice for choice in formset.form.base_fields["relation"].choices if choice[0] != "PRINCIPAL"
        ]
        return formset


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "participant_number",
        "full_name",
        "relation",
        "policy",
        "plan",
        "date_of_birth",
        "gender",
        "status",
        "end_date",
    ]
    list_filter = ["status", "relation", "policy__policy_type", "gender"]
    search_fields = [
        # Numbers match from their start (an index serves them); names and contacts anywhere.
        "^participant_number",
        "^policy__number",
        "full_name",
        "email",
        "mobile",
        "^employee_number",
    ]
    list_select_related = ["policy", "plan"]
    autocomplete_fields = ["policy", "plan", "principal"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": [("policy", "participant_number"), ("relation", "principal"), "plan"]}),
        (_("Person"), {"fields": ["full_name", ("date_of_birth", "gender"), ("email", "mobile"), "employee_number"]}),
        (_("Coverage"), {"fields": [("start_date", "end_date"), "status"]}),
    ]
    inlines = [DependentInline]

    def get_inlines(self, request, obj):
        # Dependents are listed under their principal only.
        if obj is not None and obj.relation != Member.Relation.PRINCIPAL:
            return []
        return self.inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is Member:
            for dependent in formset.save(commit=False):
                dependent.policy_id = form.instance.policy_id
                if dependent.plan_id is None:
                    dependent.plan_id = form.instance.plan_id
                dependent.save()
            for dependent in formset.deleted_objects:
                dependent.delete()
            formset.save_m2m()
        else:
            super().save_formset(request, form, formset, change)


# --- Individual policies ----------------------------------------------------------------


@admin.register(IndividualPolicy)
class IndividualPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "policy",
        "holder_column",
        "product_name",
        rupiah_column("sum_assured", _("sum assured")),
        rupiah_column("premium_amount", _("premium")),
        "premium_frequency",
        "next_due_date",
        "payment_status",
    ]
    list_filter = ["payment_status", "premium_frequency", "product_name"]
    search_fields = ["^policy__number", "policy__holder_name", "product_name"]
    list_select_related = ["policy__holder"]
    autocomplete_fields = ["policy"]

    @admin.display(description=_("policyholder"), ordering="policy__holder_name")
    def holder_column(self, obj):
        return obj.policy.holder_display


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    list_display = ["full_name", "relation", "share_percent", "policy"]
    search_fields = ["full_name", "^policy__number"]
    list_select_related = ["policy"]
    autocomplete_fields = ["policy"]


# --- DPLK -------------------------------------------------------------------------------


class DplkFundBalanceInline(admin.TabularInline):
    model = DplkFundBalance
    fields = ["fund_code", "fund_name", "balance"]
    extra = 0


class DplkContributionInline(admin.TabularInline):
    model = DplkContribution
    fields = ["reference", "paid_on", "employer_amount", "employee_amount"]
    extra = 0
    ordering = ["-paid_on"]


@admin.register(DplkAccount)
class DplkAccountAdmin(admin.ModelAdmin):
    list_display = [
        "participant_column",
        "name_column",
        "employer",
        "normal_retirement_age",
        "balance_as_of",
        "total_balance_column",
    ]
    list_filter = ["employer", "normal_retirement_age"]
    search_fields = [
        "^member__participant_number",
        "^member__policy__number",
        "member__full_name",
        "member__email",
        "employer__name",
    ]
    list_select_related = ["member", "employer"]
    autocomplete_fields = ["member", "employer"]
    inlines = [DplkFundBalanceInline, DplkContributionInline]

    def get_queryset(self, request):
        # The total comes with the list's own query (one aggregate join, no query per row).
        return super().get_queryset(request).annotate(total_balance=Sum("fund_balances__balance"))

    @admin.display(description=_("participant number"), ordering="member__participant_number")
    def participant_column(self, obj):
        return obj.member.participant_number

    @admin.display(description=_("full name"), ordering="member__full_name")
    def name_column(self, obj):
        return obj.member.full_name

    @admin.display(description=_("total balance"), ordering="total_balance")
    def total_balance_column(self, obj):
        return format_rupiah(obj.total_balance)


@admin.register(DplkFundBalance)
class DplkFundBalanceAdmin(admin.ModelAdmin):
    list_display = ["account", "fund_code", "fund_name", rupiah_column("balance", _("balance"))]
    list_filter = ["fund_code"]
    search_fields = ["^account__member__participant_number", "account__member__full_name", "fund_name"]
    list_select_related = ["account__member"]
    autocomplete_fields = ["account"]


@admin.register(DplkContribution)
class DplkContributionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "account",
        "paid_on",
        rupiah_column("employer_amount", _("employer part")),
        rupiah_column("employee_amount", _("employee part")),
    ]
    search_fields = ["^account__member__participant_number", "account__member__full_name", "^reference"]
    list_select_related = ["account__member"]
    autocomplete_fields = ["account"]
    date_hierarchy = "paid_on"


from satuklik.policies import admin_import  # noqa: E402, F401  (the core-data import pages)

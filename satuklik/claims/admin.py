"""Back-office screens for the claims reference tables (the officers' claim queue is in admin_review.py)."""

from django.contrib import admin

from satuklik.claims.models import DocumentRequirement, PublicHoliday, ReasonCode


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["benefit_type", "code", "name_id", "name_en", "required", "sort_order", "active"]
    list_filter = ["benefit_type", "required", "active"]
    list_editable = ["required", "sort_order", "active"]
    search_fields = ["code", "name_id", "name_en"]
    ordering = ["benefit_type", "sort_order", "code"]


@admin.register(ReasonCode)
class ReasonCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "text_id", "text_en", "for_items", "for_claims", "active"]
    list_filter = ["for_items", "for_claims", "active"]
    search_fields = ["code", "text_id", "text_en"]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]

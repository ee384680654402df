from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from satuklik.providers.models import Provider
from satuklik.providers.services import providers_changed
from satuklik.providers.text import query_words


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provider_type", "city", "province", "cashless", "emergency_24h", "active"]
    list_filter = ["provider_type", "cashless", "active", "emergency_24h", "province", "city"]
    search_fields = ["code", "name", "search_name", "city"]
    list_per_page = 50
    readonly_fields = ["search_name", "city_key", "created_at", "updated_at"]
    autocomplete_fields = []
    filter_horizontal = ["network_plans", "network_holders"]
    fieldsets = [
        (None, {"fields": ["code", "name", "provider_type", "active", "cashless", "search_name"]}),
        (_("Address"), {"fields": ["address", "city", "province", "postal_code", "latitude", "longitude", "city_key"]}),
        (_("Contact and hours"), {"fields": ["phone", "opening_hours", "emergency_24h"]}),
        (
            _("Services"),
            {
                "fields": [
                    "service_inpatient",
                    "service_outpatient",
                    "service_dental",
                    "service_maternity",
                    "service_optical",
                ]
            },
        ),
        (_("Network"), {"fields": ["network_plans", "network_holders"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Staff type "RS Siloam" as members do: also match the normalised name.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = query_words(search_term)
        if words:
            normalized = self.model.objects.all()
            for word in words:
                normalized = normalized.filter(search_name__contains=word)
            queryset |= normalized
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        providers_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        providers_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        providers_changed()

"""Staff roles in the back office: the groups of satuklik/core/roles.py show their
permissions read-only, because the next migrate puts the table's back anyway."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from satuklik.core.roles import ROLE_PERMISSIONS

admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ["name", "permission_count", "is_role"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(permission_total=Count("permissions"))

    @admin.display(description=_("permissions"), ordering="permission_total")
    def permission_count(self, obj):
        return obj.permission_total

    @admin.display(description=_("staff role (satuklik/core/roles.py)"), boolean=True)
    def is_role(self, obj):
        return obj.name in ROLE_PERMISSIONS

    @admin.display(description=_("permissions"))
    def permission_list(self, obj):
        names = obj.permissions.select_related("content_type").order_by("content_type__app_label", "codename")
        return ", ".join(f"{p.content_type.app_label}.{p.codename}" for p in names) or "-"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_PERMISSIONS:
            return ["name", "permission_list"]
        return super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_PERMISSIONS:
            return ["name", "permission_list"]
        return super().get_fields(request, obj)

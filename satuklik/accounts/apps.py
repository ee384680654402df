from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "satuklik.accounts"
    label = "accounts"
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """Used in INSTALLED_APPS instead of "django.contrib.admin": the default admin site
    is SatuklikAdminSite (django-otp's OTPAdminSite: staff need a TOTP code)."""

    default = False
    default_site = "satuklik.accounts.admin_site.SatuklikAdminSite"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "satuklik.accounts"
    label = "accounts"

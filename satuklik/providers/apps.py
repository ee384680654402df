from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "satuklik.providers"
    label = "providers"

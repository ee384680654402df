from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "satuklik.core"
    label = "core"

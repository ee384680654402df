from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "satuklik.notifications"
    label = "notifications"

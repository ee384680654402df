from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "satuklik.policies"
    label = "policies"

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "satuklik.core"
    label = "core"

    def ready(self):
        from satuklik.core.roles import roles_setup_after_migrate

        # Staff roles follow satuklik/core/roles.py after every migrate (and test database setup).
        post_migrate.connect(roles_setup_after_migrate, dispatch_uid="satuklik.core.roles")

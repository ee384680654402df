from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "satuklik.core"
    label = "core"

    def ready(self):
        from satuklik.core.readcache import watch_writes
        from satuklik.core.roles import roles_setup_after_migrate

        # Every write to a table ends the cached reads of it (satuklik/core/readcache.py).
        connection_created.connect(watch_writes, dispatch_uid="satuklik.core.readcache")

        # Staff roles follow satuklik/core/roles.py after every migrate (and test database setup).
        post_migrate.connect(roles_setup_after_migrate, dispatch_uid="satuklik.core.roles")

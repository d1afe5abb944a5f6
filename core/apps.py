from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from django.apps import apps

    # Permissions are created app by app; the roles are synced once the last app has its own
    # (the last with models: migrate signals no app without them).
    if sender is not [config for config in apps.get_app_configs() if config.models_module is not None][-1]:
        return
    from .roles import sync_roles

    sync_roles(verbosity=kwargs.get("verbosity", 0))


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisation and audit"

    @property
    def nav_items(self):
        from .navigation import NavItem
        from .roles import Role

        return (
            NavItem("Home", "core:home", frozenset(Role), order=0),
            NavItem("Settings", "core:settings", frozenset({Role.GROUP_MANAGER, Role.TEAM_LEADER}), order=80),
            NavItem("Audit", "core:audit", frozenset({Role.AUDITOR}), order=85),
            NavItem("Locked accounts", "core:locked_accounts", frozenset({Role.ADMINISTRATOR}), order=90),
        )

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app's timescale alert rules (core.alerts) register themselves on import.
        autodiscover_modules("alert_rules")
        # Every migrate ends by bringing the role groups in line with the permissions in code.
        post_migrate.connect(_sync_roles, dispatch_uid="core.sync_roles")

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .contract import AppContract, PersonRecord


def _sync_roles(sender, **kwargs):
    from django.apps import apps

    # Permissions are created app by app; the roles are synced once the last app has its own
    # (the last with models: migrate signals no app without them).
    if sender is not [config for config in apps.get_app_configs() if config.models_module is not None][-1]:
        return
    from .roles import sync_roles

    sync_roles(verbosity=kwargs.get("verbosity", 0))


def _grant_application_role(sender, using, **kwargs):
    from django.apps import apps

    # Once, after the last app: the tables of every app exist (core/database_roles.py).
    if sender is not [config for config in apps.get_app_configs() if config.models_module is not None][-1]:
        return
    from . import database_roles

    database_roles.apply(using)


class CoreConfig(AppContract, AppConfig):
    name = "core"
    verbose_name = "Organisation and audit"

    # What core contributes (core.contract): the other apps declare the same way.
    role_permissions = "core.permissions.ROLE_PERMISSIONS"
    person_records = (PersonRecord("core.AccessLog", "child_number", "Who viewed the child's records"),)

    @property
    def nav_items(self):
        from .navigation import NavItem
        from .roles import Role

        return (
            NavItem("Home", "core:home", frozenset(Role), order=0),
            NavItem("Settings", "core:settings", frozenset({Role.GROUP_MANAGER, Role.TEAM_LEADER}), order=80),
            NavItem("Audit", "core:audit", frozenset({Role.AUDITOR}), order=85),
            NavItem(
                "Locked accounts",
                "core:locked_accounts",
                frozenset({Role.ADMINISTRATOR, Role.TEAM_LEADER, Role.FC_MANAGER, Role.GROUP_MANAGER}),
                order=90,
            ),
        )

    def ready(self):
        from django.core import checks

        from .contract import check_declarations
        from .database_roles import check_database_roles

        # Every app's contract declarations import (manage.py check).
        checks.register(check_declarations)
        checks.register(check_database_roles, checks.Tags.security, deploy=True)
        # Every migrate ends by bringing the role groups in line with the permissions in code.
        post_migrate.connect(_sync_roles, dispatch_uid="core.sync_roles")
        # ... and by granting the application role its privileges on every table, new ones included.
        post_migrate.connect(_grant_application_role, dispatch_uid="core.grant_application_role")
        # Signing in (by any backend that logs the user in) is a fresh check for sensitive actions.
        from django.contrib.auth.signals import user_logged_in

        from .reauth import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="core.reauth_on_sign_in")

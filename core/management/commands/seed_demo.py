import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import seed_organisation

DEFAULT_PASSWORD = "cate-demo-2026"  # noqa: S105 - demo accounts only; refused under production


class Command(BaseCommand):
    help = "Create the demo agencies, teams and one user per role, and print the logins (idempotent)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("Demo accounts are not created under production settings.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        users = seed_organisation(password=password)
        self.stdout.write(f"Demo logins (password: {password}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role.label}")
        for hook in _demo_hooks():
            hook(stdout=self.stdout)


def _demo_hooks():
    """Apps may add demo records with a `seed_demo(stdout)` function in their demo.py."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield module.seed_demo

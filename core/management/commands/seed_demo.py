import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import contract
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
        # Each app declares its demo records (`demo_seed`, the app contract of core.contract).
        for seed in contract.contributions("demo_seed"):
            seed(stdout=self.stdout)

from django.core.management.base import BaseCommand

from core.roles import sync_roles


class Command(BaseCommand):
    help = "Create the role groups and give each exactly the permissions declared in code (idempotent)."

    def handle(self, *args, **options):
        sync_roles(verbosity=options["verbosity"], stdout=self.stdout)

"""`migrate` logs in as the database's owner (DATABASE_OWNER_URL) when one is set, so that the owner
creates and owns every table, and the post-migrate step grants the application role its share
(core/database_roles.py). Otherwise it is Django's own command."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from core.database_roles import as_owner


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)

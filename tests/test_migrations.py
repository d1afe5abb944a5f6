import pytest
from django.core.management import call_command


@pytest.mark.django_db(databases="__all__")  # every database the test settings name, SQLite too
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Development data: the records generator for benchmarks (`manage.py generate_data`, refused under
    production settings) and the demo records `manage.py seed_demo` imports. Nothing here serves users."""

    name = "devdata"
    verbose_name = "Development data"

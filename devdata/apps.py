from django.apps import AppConfig

from core.contract import AppContract


class DevdataConfig(AppContract, AppConfig):
    """Development data: the records generator for benchmarks (`manage.py generate_data`, refused under
    production settings) and the demo records `manage.py seed_demo` imports. Nothing here serves users."""

    name = "devdata"
    verbose_name = "Development data"

    # What devdata contributes (core.contract): the demo records, imported as the records importer would.
    demo_seed = "devdata.demo.seed_demo"

from django.apps import AppConfig

from core.contract import AppContract


class ImportsConfig(AppContract, AppConfig):
    """The records importer from a council's previous system (`manage.py import_records`): it reads
    the document, checks every record and has each written by the import services of the app that
    owns it (core: staff; contacts: children, contacts; cate: cases and what is recorded on them)."""

    name = "imports"
    verbose_name = "Imports"

    # Contributes nothing to other apps' pages: it writes through their services (core.contract).

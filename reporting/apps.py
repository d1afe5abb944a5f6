from django.apps import AppConfig

from core.contract import AppContract


class ReportingConfig(AppContract, AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    # What reporting contributes (core.contract).
    role_permissions = "reporting.permissions.ROLE_PERMISSIONS"
    digest_url = "reporting:index"
    work_tray = ("reporting.tray.work_tray",)

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("Reports", "reporting:index", LANDING_ROLES, order=40),)

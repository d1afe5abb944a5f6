from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("Reports", "reporting:index", LANDING_ROLES, order=40),)

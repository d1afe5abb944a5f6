from django.apps import AppConfig


class RiskPanelConfig(AppConfig):
    name = "riskpanel"
    verbose_name = "Risk panels"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("Risk panel", "riskpanel:index", LANDING_ROLES, order=30),)

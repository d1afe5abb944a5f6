from django.apps import AppConfig


class RiskPanelConfig(AppConfig):
    name = "riskpanel"
    verbose_name = "Risk panels"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("Risk panel", "riskpanel:index", LANDING_ROLES, order=30),)

    def ready(self):
        from core.links import register_case_link

        from . import due  # noqa: F401  (registers the due items of cases with core.due)

        register_case_link("Risk panels, strategy meetings, safety plans and actions", "riskpanel:case_detail")

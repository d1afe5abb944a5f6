from django.apps import AppConfig

from core.contract import AppContract, CaseLink, PersonRecord


class RiskPanelConfig(AppContract, AppConfig):
    name = "riskpanel"
    verbose_name = "Risk panels"

    # What the risk panel contributes (core.contract).
    role_permissions = "riskpanel.permissions.ROLE_PERMISSIONS"
    demo_seed = "riskpanel.demo.seed_demo"
    alert_rules = "riskpanel.alert_rules.RULES"
    case_due_providers = ("riskpanel.due.riskpanel_due_items",)
    closure_outstanding = ("riskpanel.outstanding.case_outstanding",)
    work_tray = ("riskpanel.tray.work_tray",)
    case_links = (CaseLink("Risk panels, strategy meetings, safety plans and actions", "riskpanel:case_detail"),)
    person_records = (
        PersonRecord("riskpanel.AgendaItem", "case__child", "Risk panel papers"),
        PersonRecord("riskpanel.PanelDecision", "item__case__child", "Risk panel decisions"),
        PersonRecord("riskpanel.MinutesEntry", "item__case__child", "Risk panel minutes"),
        PersonRecord("riskpanel.StrategyMeeting", "case__child", "Strategy meetings"),
        PersonRecord("riskpanel.SafetyPlan", "case__child", "Safety plans"),
        PersonRecord("riskpanel.Action", "case__child", "Multi-agency actions"),
        PersonRecord("riskpanel.ActionProgressNote", "action__case__child", "Progress on multi-agency actions"),
    )

    @property
    def nav_items(self):
        from core.navigation import NavItem
        from core.roles import Role

        from .permissions import LANDING_ROLES

        return (
            NavItem("Risk panel", "riskpanel:index", LANDING_ROLES, order=30),
            NavItem("Actions", "riskpanel:partner_actions", frozenset({Role.PARTNER}), order=31),
        )

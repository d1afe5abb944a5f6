from django.apps import AppConfig

from core.contract import AppContract, PersonRecord


class IntelligenceConfig(AppContract, AppConfig):
    name = "intelligence"
    verbose_name = "Intelligence and disruption"

    # What the app contributes (core.contract).
    role_permissions = "intelligence.permissions.ROLE_PERMISSIONS"
    demo_seed = "intelligence.demo.seed_demo"
    child_page_sections = ("intelligence.sections.child_section",)
    case_page_sections = ("intelligence.sections.case_section",)
    record_page_sections = ("intelligence.sections.record_section",)
    work_tray = ("intelligence.tray.work_tray",)
    person_records = (
        PersonRecord("intelligence.IntelligenceSubject", "child", "Intelligence about the child"),
        PersonRecord("intelligence.Disruption", "target__child", "Disruption of the child's record"),
    )

    @property
    def nav_items(self):
        from core.navigation import NavItem
        from core.roles import Role

        return (NavItem("Intelligence", "intelligence:index", frozenset(Role), order=45),)

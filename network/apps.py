from django.apps import AppConfig

from core.contract import AppContract, PersonRecord


class NetworkConfig(AppContract, AppConfig):
    name = "network"
    verbose_name = "Exploitation network"

    # What the network contributes (core.contract).
    role_permissions = "network.permissions.ROLE_PERMISSIONS"
    demo_seed = "network.demo.seed_demo"
    child_page_sections = ("network.sections.child_section",)
    contact_page_sections = ("network.sections.contact_section",)
    case_page_sections = ("network.sections.case_section", "network.sections.case_missing_section")
    panel_paper_sections = ("network.sections.panel_paper_section",)
    mace_page_sections = ("network.sections.mace_section",)
    alert_rules = "network.alert_rules.RULES"
    visit_warnings = ("network.visits.staff_safety_warnings",)
    person_records = (
        PersonRecord("network.Node", "child", "Network: the child's place in it"),
        PersonRecord("network.Link", "a__child", "Network links from the child"),
        PersonRecord("network.Link", "b__child", "Network links to the child"),
        PersonRecord("network.Link", "a__case__child", "Network links from the child's cases"),
        PersonRecord("network.Link", "b__case__child", "Network links to the child's cases"),
        PersonRecord("network.Person", "child", "Network: the child as a person of concern"),
        PersonRecord("network.PersonNameKey", "person__child", "Network: search keys of the child's names"),
        PersonRecord("network.PersonMerge", "source__child", "Network: merges of the child's records as a person"),
        PersonRecord("network.PersonMerge", "target__child", "Network: merges into the child's record as a person"),
        PersonRecord(
            "network.PersonDuplicate", "person__child", "Network: the child's possible duplicates as a person"
        ),
        PersonRecord(
            "network.PersonDuplicate", "existing__child", "Network: the child's possible duplicates as a person"
        ),
        PersonRecord("network.MaceSubject", "request__contact__child", "Enquiries about persons of concern"),
        PersonRecord("network.ContextReferral", "contact__child", "Contacts about a place or group"),
        PersonRecord("network.ContextAssessment", "contact__child", "Context assessments opened from a contact"),
        PersonRecord("network.ContextAssessmentChild", "child", "Context assessments affecting the child"),
        PersonRecord("network.ContextPlan", "assessment__contact__child", "Context plans from a contact's assessment"),
        PersonRecord("network.ContextPlanAction", "plan__assessment__contact__child", "Actions of those context plans"),
        PersonRecord("network.ContextPlanReview", "plan__assessment__contact__child", "Reviews of those context plans"),
    )

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .panel_permissions import LANDING_ROLES as PANEL_ROLES
        from .permissions import LANDING_ROLES, ROLE_PERMISSIONS

        # The roles reading the network by their permission; police partners and panel members in
        # their window by `also_for`.
        return (
            NavItem(
                "Network",
                "network:index",
                frozenset(role for role in LANDING_ROLES if role in ROLE_PERMISSIONS),
                order=35,
                also_for="network.navigation.network_in_navigation",
            ),
            NavItem("Context panels", "network:context_panel_list", PANEL_ROLES, order=36),
        )

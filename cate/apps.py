from django.apps import AppConfig

from core.contract import AppContract, PersonRecord


def _case_record(model: str, label: str) -> PersonRecord:
    return PersonRecord(f"cate.{model}", "case__child", label)


class CateConfig(AppContract, AppConfig):
    name = "cate"
    verbose_name = "CATE casework"

    # What CATE contributes (core.contract).
    role_permissions = "cate.permissions.ROLE_PERMISSIONS"
    demo_seed = "cate.demo.seed_demo"
    alert_rules = "cate.alert_rules.RULES"
    case_due_providers = ("cate.due.case_clocks", "cate.due.case_records")
    child_involvement_providers = ("cate.involvement.open_cases_of_children",)
    child_holders_providers = ("cate.involvement.holders_of_children",)
    worked_contacts_providers = ("cate.involvement.contacts_of_referrals_worked_on",)
    worked_children_providers = ("cate.involvement.children_of_referrals_worked_on",)
    contact_readers_providers = (
        "cate.involvement.children_referred_for_team_leaders",
        "cate.involvement.children_with_cases_for_managers",
    )
    contact_referred_handlers = ("cate.handlers.referral_from_contact",)
    child_restriction_handlers = ("cate.handlers.restriction_in_chronology",)
    closure_outstanding = ("cate.outstanding.case_outstanding",)
    work_tray = ("cate.tray.work_tray",)
    panel_paper_sections = ("cate.family_sections.panel_paper_section",)
    person_records = (
        PersonRecord("cate.Referral", "child", "CATE referrals"),
        PersonRecord("cate.DetailedAssessment", "referral__child", "Detailed assessments"),
        PersonRecord("cate.Case", "child", "CATE cases"),
        PersonRecord("cate.StatutoryEpisode", "child", "Statutory safeguarding episodes"),
        PersonRecord("cate.MissingEpisode", "child", "Missing episodes"),
        PersonRecord("cate.ReturnHomeInterview", "episode__child", "Return home interviews"),
        _case_record("Allocation", "Allocations of the case"),
        _case_record("ChronologyEvent", "Chronology"),
        _case_record("Visit", "Visits"),
        _case_record("CaseNote", "Case notes"),
        PersonRecord("cate.CaseNoteAddendum", "note__case__child", "Addenda to case notes"),
        _case_record("RiskAssessment", "Risk assessments"),
        _case_record("NrmReferral", "NRM referrals"),
        _case_record("GpLetter", "GP letters"),
        _case_record("SupportReferral", "Support referrals"),
        _case_record("Disclosure", "Disclosures"),
        _case_record("TransitionMeeting", "Post-17 transition meetings"),
        _case_record("CaseClosure", "Case closures"),
        PersonRecord("cate.ClosureItem", "closure__case__child", "What was outstanding when closure was proposed"),
        PersonRecord("cate.CaseUserObjectPermission", "content_object__child", "Staff given access to the case"),
        PersonRecord("cate.CaseGroupObjectPermission", "content_object__child", "Roles given access to the case"),
    )

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("CATE cases", "cate:index", LANDING_ROLES, order=20),)

from django.apps import AppConfig

from core.contract import AppContract, PersonRecord


class ContactsConfig(AppContract, AppConfig):
    name = "contacts"
    verbose_name = "Family Connect front door"

    # What the front door contributes (core.contract).
    role_permissions = "contacts.permissions.ROLE_PERMISSIONS"
    demo_seed = "contacts.demo.seed_demo"
    alert_rules = "contacts.alert_rules.RULES"
    child_model = "contacts.Child"
    hidden_children_providers = ("contacts.visibility.children_hidden_from",)
    work_tray = ("contacts.tray.work_tray",)
    person_records = (
        PersonRecord("contacts.Child", "pk", "Child record"),
        PersonRecord("contacts.Contact", "child", "Contacts"),
        PersonRecord("contacts.ThresholdAssessment", "contact__child", "Threshold assessments"),
        PersonRecord("contacts.MaceRequest", "contact__child", "Multi-agency child enquiries"),
        PersonRecord("contacts.MaceRecipient", "request__contact__child", "Agencies asked in an enquiry"),
        PersonRecord("contacts.MaceEntry", "request__contact__child", "Agencies' answers to an enquiry"),
        PersonRecord("contacts.EarlyHelpFollowUp", "contact__child", "Early-help follow-ups"),
        PersonRecord("contacts.ChildMerge", "source", "Merges of the record into another"),
        PersonRecord("contacts.ChildMerge", "target", "Merges of other records into this one"),
        PersonRecord("contacts.PossibleDuplicate", "child", "Possible duplicates: the record added or changed"),
        PersonRecord("contacts.PossibleDuplicate", "existing", "Possible duplicates: the record matched"),
        PersonRecord("contacts.ChildNameKey", "child", "Search keys of the child's names"),
        PersonRecord("contacts.ThresholdReview", "contact__child", "Safeguarding advisors' threshold reviews"),
        PersonRecord("contacts.ReferrerMessage", "contact__child", "Messages to referrers"),
        PersonRecord("contacts.SameNameSet", "children", "Sets of records sharing a name"),
    )

    @property
    def nav_items(self):
        from core.navigation import NavItem
        from core.roles import Role

        from .permissions import LANDING_ROLES, RESTRICTING_ROLES

        return (
            NavItem("Front door", "contacts:index", LANDING_ROLES, order=10),
            NavItem(
                "Merged child records",
                "contacts:merge_list",
                frozenset({Role.FC_MANAGER, Role.ADMINISTRATOR}),
                order=90,
            ),
            NavItem(
                "Possible duplicates",
                "contacts:duplicate_list",
                frozenset({Role.FC_MANAGER}),
                order=89,
                # and for the staff named on a restricted record
                also_for="contacts.duplicate_selectors.duplicate_list_in_navigation",
            ),
            NavItem(
                "Restricted records",
                "contacts:child_restriction_find",
                RESTRICTING_ROLES,
                order=91,
            ),
        )

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .duplicate_selectors import remember_duplicate_list_use

        user_logged_in.connect(remember_duplicate_list_use, dispatch_uid="contacts_remember_duplicate_list_use")

from django.apps import AppConfig

from core.contract import AppContract, DocumentOwner, PersonRecord


class ContactsConfig(AppContract, AppConfig):
    name = "contacts"
    # Its own pages' documents sections, on the page sections of the contract like any other app's.
    child_page_sections = ("contacts.documents.child_section",)
    contact_page_sections = ("contacts.documents.contact_section",)
    mace_page_sections = ("contacts.documents.mace_section",)
    document_owners = (
        DocumentOwner(
            "child",
            "contacts.Child",
            "Child",
            visible="contacts.documents.children_visible",
            get="contacts.selectors.child_get_for_user",
            may_attach="contacts.documents.staff_attach",
            child_path="pk",
        ),
        DocumentOwner(
            "contact",
            "contacts.Contact",
            "Contact",
            visible="contacts.documents.contacts_visible",
            get="contacts.selectors.contact_get_for_user",
            may_attach="contacts.documents.staff_attach",
            child_path="child_id",
        ),
        DocumentOwner(
            "mace",
            "contacts.MaceRequest",
            "Multi-agency enquiry",
            visible="contacts.documents.maces_visible",
            get="contacts.selectors.mace_request_get_for_user",
            may_attach="contacts.documents.staff_attach",
            child_path="contact__child_id",
        ),
        DocumentOwner(
            "mace-entry",
            "contacts.MaceEntry",
            "An agency's answer to an enquiry",
            visible="contacts.documents.mace_entries_visible",
            get="contacts.documents.mace_entry_get",
            may_attach="contacts.documents.mace_entry_attach",
            child_path="request__contact__child_id",
            within=(("mace", "request_id"),),
        ),
    )
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

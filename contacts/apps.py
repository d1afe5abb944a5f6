from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Family Connect front door"

    @property
    def nav_items(self):
        from core.navigation import NavItem
        from core.roles import Role

        from .permissions import LANDING_ROLES

        return (
            NavItem("Front door", "contacts:index", LANDING_ROLES, order=10),
            NavItem("Merged child records", "contacts:merge_list", frozenset({Role.ADMINISTRATOR}), order=90),
            NavItem(
                "Restricted records",
                "contacts:child_restriction_find",
                frozenset({Role.GROUP_MANAGER, Role.ADMINISTRATOR}),
                order=91,
            ),
        )

    def ready(self):
        from django.db.backends.signals import connection_created

        from core.audit import register_hidden_children

        from .search import set_name_similarity_threshold
        from .selectors import children_hidden_from

        connection_created.connect(set_name_similarity_threshold, dispatch_uid="contacts_name_similarity_threshold")
        register_hidden_children(children_hidden_from)

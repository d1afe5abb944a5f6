from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Family Connect front door"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .search import set_name_similarity_threshold

        connection_created.connect(set_name_similarity_threshold, dispatch_uid="contacts_name_similarity_threshold")

    @property
    def nav_items(self):
        from core.navigation import NavItem
        from core.roles import Role

        from .permissions import LANDING_ROLES

        return (
            NavItem("Front door", "contacts:index", LANDING_ROLES, order=10),
            NavItem("Merged child records", "contacts:merge_list", frozenset({Role.ADMINISTRATOR}), order=90),
        )

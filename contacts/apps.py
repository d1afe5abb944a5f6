from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Family Connect front door"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("Front door", "contacts:index", LANDING_ROLES, order=10),)

from django.apps import AppConfig


class CateConfig(AppConfig):
    name = "cate"
    verbose_name = "CATE casework"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("CATE cases", "cate:index", LANDING_ROLES, order=20),)

from django.apps import AppConfig


class CateConfig(AppConfig):
    name = "cate"
    verbose_name = "CATE casework"

    @property
    def nav_items(self):
        from core.navigation import NavItem

        from .permissions import LANDING_ROLES

        return (NavItem("CATE cases", "cate:index", LANDING_ROLES, order=20),)

    def ready(self):
        from contacts.signals import child_restriction_changed, contact_referred_to_cate

        from . import due  # noqa: F401  (registers the providers of due items for cases)
        from .receivers import on_child_restriction_changed, on_contact_referred_to_cate

        contact_referred_to_cate.connect(on_contact_referred_to_cate, dispatch_uid="cate.referral_from_contact")
        child_restriction_changed.connect(on_child_restriction_changed, dispatch_uid="cate.restriction_chronology")
        try:
            from contacts.hooks import child_involvement_provider
        except ImportError:  # the front door's hook for other apps' cases (contacts.hooks) is not here yet
            return
        from contacts.hooks import child_holders_provider

        from .involvement import holders_of_children, open_cases_of_children

        child_involvement_provider(open_cases_of_children)
        child_holders_provider(holders_of_children)

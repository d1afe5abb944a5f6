from django.core.exceptions import PermissionDenied

from .roles import Role

CHANGE_SETTINGS = "core.change_servicesetting"
VIEW_SETTINGS = "core.view_servicesetting"
VIEW_ACCESS_LOG = "core.view_accesslog"
VIEW_AUDIT_HISTORY = "core.view_audit_history"

_ORGANISATION_ADMIN = [
    "core.add_user",
    "core.change_user",
    "core.view_user",
    "core.add_team",
    "core.change_team",
    "core.view_team",
    "core.add_agency",
    "core.change_agency",
    "core.view_agency",
    "auth.view_group",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accessfailurelog",
    "otp_totp.view_totpdevice",
    "otp_totp.delete_totpdevice",
    "otp_static.view_staticdevice",
    "otp_static.delete_staticdevice",
]

ROLE_PERMISSIONS = {
    Role.GROUP_MANAGER: [CHANGE_SETTINGS, VIEW_SETTINGS],
    Role.TEAM_LEADER: [VIEW_SETTINGS],
    Role.AUDITOR: [VIEW_ACCESS_LOG, VIEW_AUDIT_HISTORY],
    Role.ADMINISTRATOR: _ORGANISATION_ADMIN,
}


def role_required(*roles: Role):
    """A page only the given roles use: others get 403 (pages, unlike records, are no secret)."""
    from functools import wraps

    from .roles import has_role

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require(actor, perm: str, message: str = "You cannot do this.") -> None:
    """Services refuse an actor without `perm` (PermissionDenied with `message`)."""
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(message)

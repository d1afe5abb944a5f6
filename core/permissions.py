from django.core.exceptions import PermissionDenied

from .roles import Role, has_role

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
    # Single sign-on: invite a local account to be linked; propose a change of the group mapping
    # (a group manager approves it: core/sso.py); read who is linked and what is mapped.
    "core.add_singlesignoninvitation",
    "core.view_singlesignoninvitation",
    "core.view_externalidentity",
    "core.view_groupmapping",
    "core.add_groupmappingchange",
    "core.view_groupmappingchange",
]

PROPOSE_MAPPING = "core.add_groupmappingchange"
DECIDE_MAPPING = "core.decide_groupmappingchange"
VIEW_MAPPING = "core.view_groupmappingchange"
INVITE_TO_SSO = "core.add_singlesignoninvitation"

# Lifting a sign-in lockout: administrators for any account; the managers of a member of staff
# for theirs (a CATE team leader or Family Connect manager for their own team, a group manager for
# their own agency), so that a locked-out worker need not wait for the cool-off.
UNLOCK_ANY_ACCOUNT = "axes.delete_accessattempt"
ACCOUNT_UNLOCKING_ROLES = (Role.TEAM_LEADER, Role.FC_MANAGER, Role.GROUP_MANAGER)

ROLE_PERMISSIONS = {
    Role.GROUP_MANAGER: [CHANGE_SETTINGS, VIEW_SETTINGS, DECIDE_MAPPING, VIEW_MAPPING, "core.view_groupmapping"],
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


def may_unlock_accounts(user) -> bool:
    """Whether `user` lifts sign-in lockouts at all (the Locked accounts page)."""
    return user.has_perm(UNLOCK_ANY_ACCOUNT) or has_role(user, *ACCOUNT_UNLOCKING_ROLES)


def can_unlock_account(actor, account) -> bool:
    """Whether `actor` may lift the lockout of `account` (None: a username that is nobody's)."""
    if account is not None and account.pk == actor.pk:
        return False  # nobody vouches for themselves
    if actor.has_perm(UNLOCK_ANY_ACCOUNT):
        return True
    if account is None or account.is_system:
        return False
    if has_role(actor, Role.GROUP_MANAGER) and actor.agency_id and account.agency_id == actor.agency_id:
        return True
    return bool(
        has_role(actor, Role.TEAM_LEADER, Role.FC_MANAGER) and actor.team_id and account.team_id == actor.team_id
    )

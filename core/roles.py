"""The roles of DESIGN.md §1 as Django groups, and the model permissions each holds.

Each app declares its roles' permissions in its AppConfig (`role_permissions`, the app contract of
core.contract), usually ROLE_PERMISSIONS in its permissions.py: {Role: ["app_label.codename", ...]}.
sync_roles() gathers them; it runs after every migrate and from `manage.py sync_roles`.
"""

from __future__ import annotations

from django.db import models

from . import contract


class Role(models.TextChoices):
    ADVISOR = "advisor", "Family Connect advisor"
    SCREENER = "screener", "Family Connect screener"
    FC_MANAGER = "fc_manager", "Family Connect manager"
    PARTNER = "partner", "Partner agency practitioner"
    CATE_WORKER = "cate_worker", "CATE worker"
    TEAM_LEADER = "team_leader", "CATE team leader"
    GROUP_MANAGER = "group_manager", "Group manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    AUDITOR = "auditor", "Auditor / DPO"
    ADMINISTRATOR = "administrator", "Administrator"
    INTELLIGENCE_REVIEWER = "intelligence_reviewer", "Intelligence reviewer"


# Roles whose members may sign in to Django's admin site (users, teams, agencies only).
STAFF_SITE_ROLES = frozenset({Role.ADMINISTRATOR})


def role_of_group(name: str) -> Role | None:
    for role in Role:
        if role.label == name:
            return role
    return None


def user_roles(user) -> frozenset[Role]:
    """The roles a user holds, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_cate_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(r for r in (role_of_group(n) for n in names) if r is not None)
        user._cate_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def collect_role_permissions() -> dict[Role, set[str]]:
    collected: dict[Role, set[str]] = {role: set() for role in Role}
    for declared in contract.contributions("role_permissions"):
        for role, perms in declared.items():
            collected[Role(role)].update(perms)
    return collected


def sync_roles(*, verbosity: int = 0, stdout=None) -> None:
    """Create every role's group and give it exactly the permissions declared in code."""
    from django.contrib.auth.models import Group, Permission

    wanted = collect_role_permissions()
    all_codes = {code for codes in wanted.values() for code in codes}
    by_code: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type"):
        by_code[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    missing = sorted(all_codes - by_code.keys())
    if missing:
        raise LookupError(f"Role permissions name unknown permissions: {', '.join(missing)}")
    for role, codes in wanted.items():
        group, created = Group.objects.get_or_create(name=role.label)
        group.permissions.set([by_code[c] for c in codes])
        if stdout is not None and verbosity:
            stdout.write(f"{'Created' if created else 'Updated'} role {role.label}: {len(codes)} permissions\n")

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import Role, collect_role_permissions, has_role, sync_roles, user_roles

pytestmark = pytest.mark.django_db


def test_every_role_of_the_design_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.label for r in Role}
    assert len(Role) == 11


def test_syncing_roles_is_idempotent_and_exact():
    manager = Group.objects.get(name=Role.GROUP_MANAGER.label)
    stray = Group.objects.get(name=Role.AUDITOR.label).permissions.first()
    manager.permissions.add(stray)
    call_command("sync_roles")
    call_command("sync_roles")
    wanted = collect_role_permissions()[Role.GROUP_MANAGER]
    held = {f"{p.content_type.app_label}.{p.codename}" for p in manager.permissions.all()}
    assert held == wanted
    assert Group.objects.filter(name=Role.GROUP_MANAGER.label).count() == 1


def test_roles_hold_their_permissions(make_user):
    assert make_user(Role.GROUP_MANAGER).has_perm("core.change_servicesetting")
    assert not make_user(Role.TEAM_LEADER).has_perm("core.change_servicesetting")
    assert make_user(Role.AUDITOR).has_perm("core.view_accesslog")
    assert not make_user(Role.SCREENER).has_perm("core.view_accesslog")
    admin = make_user(Role.ADMINISTRATOR)
    assert admin.has_perm("core.change_user") and not admin.has_perm("core.change_servicesetting")


def test_user_roles_are_read_once(make_user, django_assert_num_queries):
    user = make_user(Role.SCREENER)
    with django_assert_num_queries(1):
        assert user_roles(user) == {Role.SCREENER}
        assert has_role(user, Role.SCREENER, Role.ADVISOR)
        assert not has_role(user, Role.CATE_WORKER)


def test_unknown_permission_in_code_fails_loudly(monkeypatch):
    import core.permissions

    monkeypatch.setitem(core.permissions.ROLE_PERMISSIONS, Role.AUDITOR, ["core.no_such_permission"])
    with pytest.raises(LookupError, match="no_such_permission"):
        sync_roles()

"""The demo organisation: one account per role, printed by `manage.py seed_demo`."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core import contract
from core.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_and_prints_one_login_per_role_the_family_connect_manager_included():
    out = io.StringIO()
    with contract.override("demo_seed", []):  # the apps' demo records are their own tests' business
        call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "fcmanager" in printed and "Family Connect manager" in printed
    manager = get_user_model().objects.get(username="fcmanager")
    assert user_roles(manager) == {Role.FC_MANAGER}
    assert manager.team.name == "Family Connect"
    held = {
        role
        for user in get_user_model().objects.filter(email__endswith="@cate-demo.invalid")
        for role in user_roles(user)
    }
    assert held == set(Role)

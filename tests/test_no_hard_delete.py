"""Case records are never hard-deleted through the app (issue 8 point 7).

Records are closed, superseded, merged or switched off; nothing a user can reach deletes them:
no case-content model is in the admin site, the admin's own models refuse deletion, and no view
or service of the case apps calls delete() except on the allowed non-record rows listed here.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.roles import Role

ROOT = Path(__file__).resolve().parent.parent
CASE_APPS = ["contacts", "cate", "riskpanel", "reporting", "imports"]
# Rows that are not records about a child: the anonymous form's per-address rate-limit counters,
# a user's own spent recovery codes when new ones are issued, the authenticator and recovery codes an
# administrator's two-factor reset removes (secrets, not records: the account's history keeps the
# reset), and the search keys of names a child no longer has (an index of the names, which keep their
# own history).
ALLOWED_DELETES = {
    ("contacts/services/anonymous.py", "AnonymousFormAttempt"),
    ("contacts/services/name_keys.py", "ChildNameKey"),
    ("network/services/name_keys.py", "PersonNameKey"),
    ("core/services.py", "static"),
    ("core/accounts.py", "static"),
    ("core/accounts.py", "TOTPDevice"),
    ("core/accounts.py", "StaticDevice"),
    # Single sign-on: a session ended by the provider's back-channel logout, the note of which session
    # a provider's sign-in made, and a group mapping an approved change removes (its history and the
    # approved change keep it).
    ("core/sso.py", "session_key"),
    ("core/sso.py", "SingleSignOnSession"),
    ("core/sso.py", "mapping"),
    # Logout tokens already acted on, forgotten after a day (a token is refused after five minutes).
    ("core/sso.py", "SingleSignOnLogoutToken"),
}


def _record_models():
    for label in CASE_APPS:
        yield from apps.get_app_config(label).get_models()
    yield from (apps.get_model("core", name) for name in ("User", "Agency", "Team", "AccessLog", "ServiceSetting"))


@pytest.mark.django_db
def test_no_record_can_be_deleted_in_the_admin_site(make_user):
    administrator = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = administrator
    for model in _record_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        assert not model_admin.has_delete_permission(request), f"{model.__name__} can be deleted in the admin"


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_a_member_of_staff(make_user, client_for):
    administrator = make_user(Role.ADMINISTRATOR, is_staff=True)
    screener = make_user(Role.SCREENER)
    client = client_for(administrator)
    url = reverse("admin:core_user_delete", args=[screener.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(screener).objects.filter(pk=screener.pk).exists()


def test_no_view_or_service_of_the_case_apps_deletes_a_record():
    found = set()
    for label in [*CASE_APPS, "core"]:
        for path in (ROOT / label).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
                    target = ast.unparse(node.func.value)
                    rel = str(path.relative_to(ROOT))
                    if not any(rel == file and name in target for file, name in ALLOWED_DELETES):
                        found.add(f"{rel}:{node.lineno} {target}.delete()")
    assert not found, "hard deletes of records: " + ", ".join(sorted(found))

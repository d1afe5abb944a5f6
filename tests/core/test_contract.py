"""The app contract (core.contract): every project app declares what it contributes in its
AppConfig, every declaration imports and has the shape its hook asks for, core names no app above
it, and the contributions are reached only through core.contract."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse
from django.utils.module_loading import import_string

from core import contract
from core.alerts import AlertRule
from core.contract import HOOKS, AppContract, CaseLink, PersonRecord
from core.navigation import NavItem
from core.roles import Role

BASE_DIR = Path(settings.BASE_DIR)
CONTRACT = BASE_DIR / "core" / "contract.py"


def _project_configs() -> list[AppConfig]:
    """Every installed app whose code lives in this repository."""
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(BASE_DIR) and ".venv" not in Path(config.path).parts
    ]


PROJECT_APPS = _project_configs()
HIGHER_THAN_CORE = {config.name for config in PROJECT_APPS} - {"core"}


def _sources(*roots: Path):
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _project_sources():
    yield from _sources(*(Path(config.path) for config in PROJECT_APPS), BASE_DIR / "config")


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(BASE_DIR)}:{node.lineno}"


# --- Every app declares the contract ---------------------------------------------------------------


def test_the_project_apps_are_found():
    assert {"core", "contacts", "cate", "riskpanel", "reporting"} <= {config.name for config in PROJECT_APPS}


@pytest.mark.parametrize("config", PROJECT_APPS, ids=lambda config: config.name)
def test_every_project_app_declares_the_contract(config):
    assert isinstance(config, AppContract), f"{config.name}'s AppConfig does not subclass core.contract.AppContract"
    assert [c.name for c in contract.project_apps()] == [c.name for c in PROJECT_APPS]
    # Nothing declared under a name the contract does not know (a misspelt hook would be ignored).
    known = set(HOOKS) | set(vars(AppConfig)) | {"name", "verbose_name", "default_auto_field", "label", "default"}
    for cls in type(config).__mro__:
        if cls in (AppContract, AppConfig, object):
            continue
        unknown = {name for name in vars(cls) if not name.startswith("_") and name not in known}
        assert not unknown, f"{cls.__qualname__} declares {sorted(unknown)}, which are not hooks of core.contract"


# What each hook's entries must be: a check per entry (callables are tried against the hook's
# arguments without being called).
def _callable_taking(*args, **kwargs):
    def check(entry, config):
        assert callable(entry), f"{entry!r} is not callable"
        inspect.signature(entry).bind(*args, **kwargs)

    return check


def _nav_item(item, config):
    assert isinstance(item, NavItem)
    assert item.roles and all(isinstance(role, Role) for role in item.roles)
    reverse(item.url_name)
    if item.also_for:
        _callable_taking(None)(import_string(item.also_for), config)


def _role_permissions(declared, config):
    assert isinstance(declared, Mapping)
    for role, codes in declared.items():
        Role(role)
        assert all(isinstance(code, str) and code.count(".") == 1 for code in codes), codes


def _alert_rule(rule, config):
    assert isinstance(rule, AlertRule) and rule.name and rule.label
    inspect.signature(rule.find).bind(None, None)


def _url_name(name, config):
    reverse(name)


def _case_link(link, config):
    assert isinstance(link, CaseLink) and link.label
    reverse(link.url_name, args=[1])


def _child_model(label, config):
    assert apps.get_model(label)._meta.app_label == config.label


def _person_record(record, config):
    assert isinstance(record, PersonRecord) and record.label
    model = apps.get_model(record.model)
    assert model._meta.app_label == config.label, f"{config.name} declares another app's model {record.model}"
    child_model = apps.get_model(contract.first("child_model"))
    *steps, last = record.child_path.split("__")
    for step in steps:
        model = model._meta.get_field(step).related_model
    if last == "pk":
        assert model is child_model, record
        return
    field = model._meta.get_field(last)
    if field.is_relation:
        assert field.related_model is child_model, f"{record} does not lead to {child_model._meta.label}"
    else:
        assert isinstance(field, models.IntegerField), f"{record} does not hold a child's number"


CHECKS = {
    "nav_items": _nav_item,
    "role_permissions": _role_permissions,
    "demo_seed": _callable_taking(stdout=None),
    "alert_rules": _alert_rule,
    "digest_url": _url_name,
    "case_due_providers": _callable_taking([1], now=None, settings=None),
    "case_links": _case_link,
    "child_model": _child_model,
    "child_involvement_providers": _callable_taking([1], user=None),
    "child_holders_providers": _callable_taking([1]),
    "hidden_children_providers": _callable_taking(None, {1}),
    "contact_referred_handlers": _callable_taking(contact=None, actor=None),
    "child_restriction_handlers": _callable_taking(child=None, actor=None, reason=""),
    "worked_contacts_providers": _callable_taking(None),
    "worked_children_providers": _callable_taking(None),
    "contact_readers_providers": _callable_taking(None),
    **{hook: _callable_taking(None, user=None) for hook in HOOKS if hook.endswith(("_sections", "_actions"))},
    "person_records": _person_record,
    "closure_outstanding": _callable_taking(None, now=None, settings=None),
    "visit_warnings": _callable_taking(None, user=None),
    "work_tray": _callable_taking(None, now=None),
}


def test_every_hook_has_a_check():
    assert set(CHECKS) == set(HOOKS)


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_every_declaration_imports_and_has_the_shape_of_its_hook(hook):
    for config in contract.project_apps():
        for entry in contract.declared(config, hook):
            try:
                CHECKS[hook](entry, config)
            except Exception as exc:
                raise AssertionError(f"{config.name} declares for {hook}: {entry!r}: {exc!r}") from exc
    if HOOKS[hook].one_app:
        assert len(contract.contributions(hook)) <= 1, f"More than one app declares {hook}"


def test_the_contributions_are_the_declarations_in_installed_apps_order():
    for hook in HOOKS:
        expected = tuple(entry for config in contract.project_apps() for entry in contract.declared(config, hook))
        assert contract.contributions(hook) == expected


def test_alert_rule_names_are_unique():
    names = [rule.name for rule in contract.contributions("alert_rules")]
    assert len(names) == len(set(names)) and names


@pytest.mark.django_db
def test_role_permissions_name_permissions_that_exist():
    existing = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    for declared in contract.contributions("role_permissions"):
        for role, codes in declared.items():
            assert not set(codes) - existing, f"{role}: {sorted(set(codes) - existing)}"


def _reaches(model, target, seen=frozenset()) -> bool:
    if model is target:
        return True
    if model in seen:
        return False
    return any(
        _reaches(field.related_model, target, seen | {model})
        for field in model._meta.get_fields()
        if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is not None
    )


def test_person_records_cover_every_model_that_leads_to_a_child():
    """For subject access and retention: each app says what it holds about a child (history tables
    follow their models)."""
    child_model = apps.get_model(contract.first("child_model"))
    declared = {apps.get_model(record.model) for record in contract.contributions("person_records")}
    missing = [
        model._meta.label
        for config in contract.project_apps()
        for model in config.get_models()
        if not model._meta.model_name.startswith("historical")
        and _reaches(model, child_model)
        and model not in declared
    ]
    assert not missing, f"No app declares in person_records what it holds about a child in {missing}"


# --- Core names no app above it --------------------------------------------------------------------

_NAMES_AN_APP = re.compile(rf"^({'|'.join(sorted(HIGHER_THAN_CORE))})([.:][A-Za-z_][\w.:]*)?$")


def test_core_names_no_higher_app_by_import_or_string():
    found = []
    for path, tree in _sources(BASE_DIR / "core"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _NAMES_AN_APP.match(node.value):
                    found.append(f"{_where(path, node)} names {node.value!r}")
                continue
            else:
                continue
            found += [
                f"{_where(path, node)} imports {name}" for name in names if name.split(".")[0] in HIGHER_THAN_CORE
            ]
    for template in sorted((BASE_DIR / "templates" / "core").rglob("*.html")):
        for match in re.finditer(rf"""['"]({"|".join(HIGHER_THAN_CORE)})[:.]""", template.read_text()):
            found.append(f"{template.relative_to(BASE_DIR)} names {match.group(0)}")
    assert not found, "core names apps above it (declare a hook in core.contract instead):\n" + "\n".join(found)


# --- Contributions are reached only through core.contract ------------------------------------------

_DISCOVERY = {"import_module", "autodiscover_modules"}
_MUTATORS = {"append", "extend", "add", "update", "insert", "setdefault"}


def _module_registries(tree: ast.Module) -> set[str]:
    """Module-level names bound to an empty list, dict or set."""
    names = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        empty = (
            isinstance(value, ast.List | ast.Dict | ast.Set)
            and not getattr(value, "elts", getattr(value, "keys", None))
        ) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in {"list", "dict", "set"}
            and not value.args
        )
        if empty:
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def test_no_registration_by_import_discovery_or_signal():
    allowed = {CONTRACT}
    found = []
    for path, tree in _project_sources():
        if path in allowed:
            continue
        registries = _module_registries(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and {alias.name for alias in node.names} & _DISCOVERY:
                found.append(f"{_where(path, node)} discovers modules by name")
            elif isinstance(node, ast.Attribute) and node.attr == "get_app_configs":
                if path != BASE_DIR / "core" / "apps.py":  # the post-migrate hook waits for the last app
                    found.append(f"{_where(path, node)} reads the app configs itself")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                func = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                if func == "Signal":
                    found.append(f"{_where(path, node)} defines a signal")
                if (
                    func in _MUTATORS
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in registries
                ):
                    found.append(f"{_where(path, node)} registers into the module-level {node.func.value.id}")
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in registries
            ):
                found.append(f"{_where(path, node)} registers into the module-level {node.value.id}")
    assert not found, "Declare contributions in the AppConfig (core.contract) instead:\n" + "\n".join(found)


_READERS = {"contributions", "first", "call", "collect", "warnings", "override"}


def _page_of_contributions(node) -> str | None:
    """The page of a call of core.pages.contributions(request, "<page>", obj), or None."""
    if not (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        through_pages = func.id == "contributions"
    else:
        through_pages = (
            isinstance(func, ast.Attribute)
            and func.attr == "contributions"
            and isinstance(func.value, ast.Name)
            and func.value.id == "pages"
        )
    return node.args[1].value if through_pages else None


def test_every_hook_read_is_a_hook_of_the_contract():
    read = set()
    for path, tree in [*_project_sources(), *_sources(BASE_DIR / "tests")]:
        if path == Path(__file__):
            continue
        for node in ast.walk(tree):
            page = _page_of_contributions(node)
            if page is not None:  # core.pages.contributions(request, "child_page", obj): its two hooks
                assert f"{page}_sections" in HOOKS, f"{_where(path, node)} reads sections of unknown page {page!r}"
                read |= {f"{page}_sections", f"{page}_actions"} & set(HOOKS)
                continue
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            through_contract = (
                isinstance(func, ast.Attribute)
                and func.attr in _READERS
                and isinstance(func.value, ast.Name)
                and func.value.id == "contract"
            )
            inside_contract = path == CONTRACT and isinstance(func, ast.Name) and func.id in _READERS
            if through_contract or inside_contract:
                assert node.args[0].value in HOOKS, f"{_where(path, node)} reads unknown hook {node.args[0].value!r}"
                read.add(node.args[0].value)
    # Every hook something contributes to is read somewhere (a declaration nobody reads is dead).
    contributed = {hook for hook in HOOKS if contract.contributions(hook)}
    assert contributed <= read, sorted(contributed - read)


# --- The reader itself -----------------------------------------------------------------------------


class _Declares(AppContract):
    name = "example"
    case_due_providers = ("core.clock.local_date", "tests.core.test_contract._TWO")
    digest_url = "example:index"
    role_permissions = "tests.core.test_contract._PERMISSIONS"


def _one(case_ids, *, now, settings):
    return {}


def _two(case_ids, *, now, settings):
    return {}


_TWO = (_one, _two)
_PERMISSIONS = {Role.AUDITOR: ["core.view_accesslog"]}


def test_a_declaration_is_a_value_or_a_dotted_path_and_a_path_to_many_adds_each():
    from core import clock

    declares = _Declares()
    assert contract.declared(declares, "case_due_providers") == (clock.local_date, _one, _two)
    assert contract.declared(declares, "digest_url") == ("example:index",)  # data, not a path
    assert contract.declared(declares, "role_permissions") == (_PERMISSIONS,)
    assert contract.declared(declares, "case_links") == ()
    assert contract.declared(declares, "child_model") == ()


def test_a_path_that_does_not_import_says_which():
    class Broken(AppContract):
        demo_seed = "core.no_such_module.seed"

    with pytest.raises(ImportError, match=r"core\.no_such_module\.seed"):
        contract.declared(Broken(), "demo_seed")


def test_an_unknown_hook_is_refused():
    with pytest.raises(KeyError):
        contract.contributions("no_such_hook")


def test_handlers_run_in_order_and_an_exception_stops_them():
    heard = []

    def first(**kwargs):
        heard.append(("first", kwargs))
        return 1

    def broken(**kwargs):
        raise RuntimeError("refused")

    def never(**kwargs):
        heard.append(("never", kwargs))

    with contract.override("child_restriction_handlers", [first]):
        assert contract.call("child_restriction_handlers", child=1, actor=2, reason="r") == [1]
    with contract.override("child_restriction_handlers", [first, broken, never]), pytest.raises(RuntimeError):
        contract.call("child_restriction_handlers", child=1, actor=2, reason="r")
    assert heard == [("first", {"child": 1, "actor": 2, "reason": "r"})] * 2


def test_an_override_adds_or_replaces_and_is_undone():
    declared = contract.contributions("case_due_providers")

    def extra(case_ids, *, now, settings):
        return {}

    with contract.override("case_due_providers", [extra], add=True):
        assert contract.contributions("case_due_providers") == (*declared, extra)
    with contract.override("case_due_providers", []):
        assert contract.contributions("case_due_providers") == ()
    assert contract.contributions("case_due_providers") == declared


def test_sections_and_actions_skip_what_a_provider_does_not_offer():
    shown = contract.Section("Example", "example/_section.html", {})

    def offered(case, *, user):
        return shown

    def not_offered(case, *, user):
        return None

    with contract.override("case_page_sections", [not_offered, offered]):
        assert contract.collect("case_page_sections", object(), user=None) == [shown]


@pytest.mark.django_db
def test_a_childs_records_are_found_through_the_declarations():
    from tests.factories import CaseFactory

    case = CaseFactory()
    other = CaseFactory()
    found = {
        (record.model, record.child_path): set(rows.values_list("pk", flat=True))
        for record, rows in contract.person_records_of(case.child_id)
    }
    assert found[("contacts.Child", "pk")] == {case.child_id}
    assert found[("cate.Case", "child")] == {case.pk}
    assert other.pk not in found[("cate.Case", "child")]


def test_the_system_check_finds_the_declarations_sound():
    assert contract.check_declarations() == []


def test_the_system_check_names_a_declaration_that_does_not_import(monkeypatch):
    [cate] = [config for config in contract.project_apps() if config.name == "cate"]
    monkeypatch.setattr(type(cate), "demo_seed", "cate.no_such_module.seed_demo")
    [error] = contract.check_declarations()
    assert error.id == "core.E101" and "cate.no_such_module.seed_demo" in error.msg

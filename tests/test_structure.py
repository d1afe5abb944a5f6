"""The shape of the code (DESIGN §3): dependencies point one way, views read through selectors,
no module grows past 700 lines. These read the source, so a change that breaks the shape fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first: an app may use the apps before it, never the ones after it.
LAYERS = ["core", "contacts", "cate", "riskpanel", "network", "intelligence", "reporting", "imports", "devdata"]
MAX_LINES = 700


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _apps_present() -> list[str]:
    return [app for app in LAYERS if (ROOT / app).is_dir()]


@pytest.mark.parametrize("app", _apps_present())
def test_no_module_is_over_700_lines(app):
    long = {
        str(path.relative_to(ROOT)): n
        for path in _sources(app)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _higher(app: str) -> list[str]:
    return list(_apps_present()[_apps_present().index(app) + 1 :])


def _upward_references(app: str) -> list[str]:
    higher = _higher(app)
    if not higher:
        return []
    names = "|".join(higher)
    # "riskpanel.chair_panel", "reporting:index", "cate/..." templates: a string naming a higher app
    in_string = re.compile(rf"^(?:{names})[.:/]")
    found = []
    for path in _sources(app):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and in_string.match(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} names {node.value!r}")
                continue
            else:
                continue
            for module in modules:
                if module.split(".")[0] in higher:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    templates = ROOT / "templates" / app
    if templates.is_dir():
        url = re.compile(rf"""{{%\s*(?:url|include|extends)\s+["'](?:{names})[:/]""")
        for path in sorted(templates.rglob("*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if url.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number} names a higher app: {line.strip()}")
    return found


@pytest.mark.parametrize("app", _apps_present())
def test_no_app_names_an_app_above_it(app):
    assert _upward_references(app) == []


# A queryset chain in a view: a read that belongs in a selector (or a write that belongs in a service).
QUERYSET_CHAIN = re.compile(r"\.objects\.|\.(?:filter|exclude|order_by|annotate|values|values_list)\(")


def _view_modules():
    for app in _apps_present():
        for path in _sources(app):
            if path.name == "views.py" or "views" in path.relative_to(ROOT / app).parts[:-1]:
                yield path


@pytest.mark.parametrize("path", list(_view_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_hold_no_queryset_chains(path):
    chains = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if QUERYSET_CHAIN.search(line)
    ]
    assert chains == []


def test_the_structure_checks_can_fail():
    """The patterns above find what they look for (a check that cannot fail is no check)."""
    assert QUERYSET_CHAIN.search("rows = Case.objects.all()")
    assert QUERYSET_CHAIN.search("cases.filter(status=1)")
    assert QUERYSET_CHAIN.search("qs.values_list('pk', flat=True)")
    assert not QUERYSET_CHAIN.search("request.GET.get('page')")

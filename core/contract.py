"""The app contract: what each app contributes to the others, declared on its AppConfig.

Dependencies point one way (DESIGN.md §3): a lower app never imports a higher one. A higher app
still shows on the lower app's pages and takes part in its work (a case's due items, a child's open
cases, the referral a screener's decision makes), so each app declares its contributions as class
attributes of its AppConfig, a subclass of `AppContract`:

    class CasesConfig(AppContract, AppConfig):
        name = "cases"
        role_permissions = "cases.permissions.ROLE_PERMISSIONS"
        case_due_providers = ("cases.due.case_clocks", "cases.due.case_records")
        contact_referred_handlers = ("cases.handlers.referral_from_contact",)
        person_records = (PersonRecord("cases.Case", "child", "Cases"), ...)

This module is the only reader. `contributions(hook)` gathers a hook's declarations from every app,
in INSTALLED_APPS order, imports the dotted paths on first use and keeps the result for the life of
the process. A new app plugs in by declaring; core never names an app above it. Every hook is listed
in HOOKS with what its entries are; tests/core/test_contract.py checks every app's declarations.

A declaration is a value or a dotted path "package.module.name" to one (imported lazily, after the
app registry is ready), or a tuple of these; a path that leads to a tuple or list adds each entry.
A declaration that needs the app's own modules to be built (navigation reads the app's roles) may be
a property of the AppConfig.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

# --- What apps declare ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLink:
    """A page of another app about a case, listed under "See also" on the case page. The URL name
    takes the case's id; the page checks access itself."""

    label: str
    url_name: str


@dataclass(frozen=True)
class PersonRecord:
    """Records an app holds about a person (a child), for subject access and retention: the model,
    the lookup from it to the child ("child", "case__child", or "pk" for the child itself; a plain
    integer field holding the child's number also works), and what to call them."""

    model: str  # "app_label.ModelName"
    child_path: str
    label: str


@dataclass(frozen=True)
class Section:
    """A part another app adds to a page (a child, a contact, a case, a panel paper): the template
    it renders and that template's context."""

    title: str
    template: str
    context: dict


@dataclass(frozen=True)
class PageAction:
    """A button or link another app adds to a page, shown only when the user may use it."""

    label: str
    url: str


@dataclass(frozen=True)
class Outstanding:
    """Something still outstanding on a case when its closure is proposed (and checked again when it
    is approved): a code that names it the same way each time it is checked ("nrm_pending:12"), what
    to tell the worker, whether the worker may go ahead with a reason (False: the case cannot be
    closed while it lasts), and where it is dealt with."""

    code: str
    message: str
    overridable: bool = True
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class TrayCount:
    """One count of a work tray: how many records, and the list page (filtered to exactly those
    records, which the reader may open) it links to. `urgent` shows a non-zero count as a warning."""

    label: str
    count: int
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class TraySection:
    """A part of a user's work tray on the home page: a heading, its counts, and links to pages
    without a count (`PageAction`). `order` places it among the other apps' sections."""

    title: str
    counts: tuple[TrayCount, ...] = ()
    links: tuple[PageAction, ...] = ()
    order: int = 50


@dataclass(frozen=True)
class Hook:
    name: str
    doc: str
    many: bool = True  # a tuple of entries per app, or one value per app
    paths: bool = True  # strings are dotted paths to import (False: strings are the data itself)
    one_app: bool = False  # declared by one app at most


HOOKS: dict[str, Hook] = {
    hook.name: hook
    for hook in (
        Hook("nav_items", "core.navigation.NavItem: the app's entries in the service navigation.", paths=False),
        Hook(
            "role_permissions",
            "{Role: ['app_label.codename', ...]}: what each role may do in the app (core.roles.sync_roles).",
            many=False,
        ),
        Hook("demo_seed", "seed(stdout): the app's demo records for `manage.py seed_demo` (idempotent).", many=False),
        Hook("alert_rules", "core.alerts.AlertRule: the app's timescale alerts, run by core.tasks."),
        Hook(
            "digest_url",
            "URL name the group managers' daily digest links to.",
            many=False,
            paths=False,
            one_app=True,
        ),
        Hook(
            "case_due_providers",
            "provider(case_ids, *, now, settings) -> {case_id: [core.due.DueItem]}: what falls due on cases.",
        ),
        Hook("case_links", "CaseLink: the app's pages about a case, under 'See also' on the case page.", paths=False),
        Hook(
            "child_model",
            "'app_label.ModelName' of the child record (core.audit).",
            many=False,
            paths=False,
            one_app=True,
        ),
        Hook(
            "child_involvement_providers",
            "provider(child_ids, *, user) -> {child_id: [Involvement]} (the front door's hooks): what the app knows "
            "of children, shown to those who may see it.",
        ),
        Hook(
            "child_holders_providers",
            "provider(child_ids) -> {child_id: [Holder]} (the front door's hooks): who holds children's records.",
        ),
        Hook(
            "hidden_children_providers",
            "provider(user, numbers) -> the child numbers the user may not know exist (core.audit).",
        ),
        Hook(
            "worked_contacts_providers",
            "provider(user) -> a queryset of the ids of the contacts the user works on in the app (one column), or "
            "None: they read the contact as the front door recorded it, with its threshold assessment, decision and "
            "every agency's answer to its enquiries (the MACE pack follows the referral). A subquery: no query of "
            "its own. Read access only; restricted children stay hidden.",
        ),
        Hook(
            "worked_children_providers",
            "provider(user) -> a queryset of the ids of the children the user works on in the app (one column), "
            "or None: they may open the child's record at the front door (read only). A subquery, as above.",
        ),
        Hook(
            "contact_readers_providers",
            "provider(user) -> a queryset of the ids of the children whose front-door contacts the user reads "
            "through the app (one column), or None: need to know (contacts.visibility.contacts_visible_to). A "
            "subquery, as above; read access only; restricted children stay hidden.",
        ),
        Hook(
            "contact_referred_handlers",
            "handler(*, contact, actor): a screener referred a contact to CATE and/or statutory safeguarding. "
            "Runs inside the decision's transaction: an exception undoes the decision.",
        ),
        Hook(
            "child_restriction_handlers",
            "handler(*, child, actor, reason): a child's record was restricted, or the restriction changed or "
            "lifted. Runs inside the transaction: an exception undoes the change.",
        ),
        Hook("child_page_sections", "section(child, *, user) -> Section | None: parts of the child's page."),
        Hook("contact_page_sections", "section(contact, *, user) -> Section | None: parts of a contact's page."),
        Hook("case_page_sections", "section(case, *, user) -> Section | None: parts of a case's page."),
        Hook("panel_paper_sections", "section(item, *, user) -> Section | None: parts of a panel paper."),
        Hook(
            "mace_page_sections",
            "section(mace, *, user) -> Section | None: parts of a multi-agency enquiry's page (seen by the partners "
            "it was sent to as well: a section shows them only what the enquiry shares with them).",
        ),
        Hook(
            "record_page_sections",
            "section(record, *, user) -> Section | None: parts of the page of a record of a lower app that has no "
            "page hook of its own (a person of concern, a place, a vehicle): each section looks at the record's "
            "model and returns None for records it does not know.",
        ),
        Hook("child_page_actions", "action(child, *, user) -> PageAction | None: on the child's page."),
        Hook("contact_page_actions", "action(contact, *, user) -> PageAction | None: on a contact's page."),
        Hook("case_page_actions", "action(case, *, user) -> PageAction | None: on a case's page."),
        Hook("panel_paper_actions", "action(item, *, user) -> PageAction | None: on a panel paper."),
        Hook(
            "work_tray",
            "provider(user, *, now) -> [TraySection]: the app's parts of the user's work tray on the home page, "
            "for each role the user holds. Counts by aggregate queries (a fixed number, whatever the records); each "
            "count equals what the list it links to shows the user.",
        ),
        Hook("person_records", "PersonRecord: what the app holds about a person.", paths=False),
        Hook(
            "visit_warnings",
            "warning(case, *, user) -> [str]: what staff must know before they record a visit to the case's child "
            "(a person linked to the child who is a danger to staff), shown above the visit form. Only what the "
            "user may see.",
        ),
        Hook(
            "closure_outstanding",
            "provider(case, *, now, settings) -> [Outstanding]: what the app still has outstanding on a case "
            "whose closure is proposed (listed to the worker, who gives a reason for each, and to the team leader).",
        ),
    )
}


class AppContract:
    """Mixin for an app's AppConfig: every hook of HOOKS, empty unless the app declares it."""

    nav_items: Any = ()
    role_permissions: Any = None
    demo_seed: Any = None
    alert_rules: Any = ()
    digest_url: Any = None
    case_due_providers: Any = ()
    case_links: Any = ()
    child_model: Any = None
    child_involvement_providers: Any = ()
    child_holders_providers: Any = ()
    hidden_children_providers: Any = ()
    worked_contacts_providers: Any = ()
    worked_children_providers: Any = ()
    contact_readers_providers: Any = ()
    contact_referred_handlers: Any = ()
    child_restriction_handlers: Any = ()
    child_page_sections: Any = ()
    contact_page_sections: Any = ()
    case_page_sections: Any = ()
    panel_paper_sections: Any = ()
    mace_page_sections: Any = ()
    record_page_sections: Any = ()
    child_page_actions: Any = ()
    contact_page_actions: Any = ()
    case_page_actions: Any = ()
    panel_paper_actions: Any = ()
    work_tray: Any = ()
    person_records: Any = ()
    visit_warnings: Any = ()
    closure_outstanding: Any = ()


# --- Reading the declarations ---------------------------------------------------------------------

_cache: dict[str, tuple] = {}


def project_apps() -> list:
    """The installed apps that declare a contract, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, AppContract)]


def declared(config, hook: str) -> tuple:
    """One app's entries for a hook, imported (a single-valued hook gives at most one entry)."""
    spec = HOOKS[hook]
    value = getattr(config, hook, None)
    if value is None:
        return ()
    if not spec.many:
        return (_resolve(value) if spec.paths and isinstance(value, str) else value,)
    entries: list = []
    for entry in value if isinstance(value, tuple | list) else (value,):
        if spec.paths and isinstance(entry, str):
            entry = _resolve(entry)
            if isinstance(entry, tuple | list):
                entries.extend(entry)
                continue
        entries.append(entry)
    return tuple(entries)


def _resolve(path: str):
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImportError(f"The app contract names {path!r}, which does not import: {exc}") from exc


def contributions(hook: str) -> tuple:
    """Every app's entries for a hook, in INSTALLED_APPS order (read once per process)."""
    if hook not in HOOKS:
        raise KeyError(f"No hook {hook!r} in the app contract")
    try:
        return _cache[hook]
    except KeyError:
        pass
    result = tuple(entry for config in project_apps() for entry in declared(config, hook))
    _cache[hook] = result
    return result


def first(hook: str, default=None):
    """The first app's value of a single-valued hook, or `default` when no app declares it."""
    found = contributions(hook)
    return found[0] if found else default


def call(hook: str, /, **kwargs) -> list:
    """Call every handler of a hook with these keyword arguments, in order; an exception stops the
    rest and reaches the caller (inside its transaction, it undoes the caller's work)."""
    return [handler(**kwargs) for handler in contributions(hook)]


def collect(hook: str, obj, *, user) -> list:
    """The sections or actions the apps add to a page about `obj` for `user` (those not None)."""
    return [item for provider in contributions(hook) if (item := provider(obj, user=user)) is not None]


def warnings(hook: str, obj, *, user) -> list[str]:
    """Every app's warnings about `obj` for `user` (each provider gives a list), in order."""
    return [warning for provider in contributions(hook) for warning in provider(obj, user=user)]


def work_tray(user, *, now) -> list[TraySection]:
    """The user's work tray: every app's sections for the roles the user holds, in `order`."""
    sections = [section for provider in contributions("work_tray") for section in provider(user, now=now)]
    return sorted(sections, key=lambda section: section.order)


@contextmanager
def override(hook: str, entries: list | tuple, *, add: bool = False) -> Iterator[None]:
    """For tests: the hook's entries are these (or, with add=True, the declared ones and these)."""
    before = contributions(hook)
    _cache[hook] = (*before, *entries) if add else tuple(entries)
    try:
        yield
    finally:
        _cache[hook] = before


def clear_cache() -> None:
    _cache.clear()


def person_records_of(child_id: int) -> list:
    """[(PersonRecord, queryset)]: every declared kind of record about a child, for subject access and
    retention. Not filtered by permission: the caller (a DPO's task) checks its own."""
    from django.apps import apps as registry

    return [
        (record, registry.get_model(record.model)._default_manager.filter(**{record.child_path: child_id}))
        for record in contributions("person_records")
    ]


def check_declarations(app_configs=None, **kwargs) -> list:
    """System check (`manage.py check`, run before migrate and runserver): every declaration imports,
    and a hook that takes one value has it from one app at most. tests/core/test_contract.py checks
    the rest (shapes, URL names, roles, permissions)."""
    from django.core import checks

    errors = []
    for config in project_apps():
        for hook in HOOKS:
            try:
                declared(config, hook)
            except ImportError as exc:
                errors.append(checks.Error(str(exc), obj=config.name, id="core.E101"))
    for hook in (hook for hook, spec in HOOKS.items() if spec.one_app):
        declaring = [config.name for config in project_apps() if getattr(config, hook, None) is not None]
        if len(declaring) > 1:
            message = f"{hook} is declared by {', '.join(declaring)}: one app at most"
            errors.append(checks.Error(message, id="core.E102"))
    return errors

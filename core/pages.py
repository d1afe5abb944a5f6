"""The view seam: what every app's pages share.

A list page: a selector gives the rows, `paginate` the page. A record page: `record_view` reads
the record through the app's permission-filtered getter (404 for missing and forbidden alike),
computes the page's permissions object once, refuses (403) a page the user may see but not use,
and logs the record in the access log. A form page: `submit` runs a valid form's service with the
acting user and the version the form was opened at, and maps a refusal back onto the form so that
nothing typed is lost.

    @record_view(get=selectors.case_get_for_user, permissions=case_permissions, allow=can_work)
    def visit_add(request, case, perms):
        form = forms.VisitForm(request.POST or None)
        response = submit(request, form, services.visit_record, case=case,
                          success=case.get_absolute_url(), message="Visit recorded")
        return response or render(request, "cate/visit_form.html", {"case": case, "form": form})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from . import audit, contract
from .choices import AccessAction
from .forms import add_service_errors

PAGE_SIZE = 25


# --- Lists -----------------------------------------------------------------------------------


def paginate(request, rows, size: int = PAGE_SIZE) -> Page:
    """The page of `rows` the request asks for (`?page=`); a bad or too-high number gives the
    nearest page, never an error."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The request's query string less `page`, for the pagination links of a filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def record_id(value) -> int | None:
    """A record number from the request, or None: ASCII digits only ('²'.isdigit() is True, but
    int('²') fails), and short enough for the database's integer columns."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


# --- Redirects -------------------------------------------------------------------------------


def safe_next(request, default: str) -> str:
    """A `next` path on this site, or the default (never a bare word: redirect() would try to
    reverse it as a URL name and fail; never another site)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default


# --- Permissions and the access log ----------------------------------------------------------


def require_perm(request, perm: str) -> None:
    """A page only holders of `perm` use: others get 403 (pages, unlike records, are no secret)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


def log(request, *objs, action: str = AccessAction.VIEW, contents: dict | None = None) -> None:
    """Write each record shown (None skipped) to the access log; an export with what it held."""
    for obj in objs:
        if obj is not None:
            audit.log_access(request, obj, action=action, contents=contents)


def log_many(request, objs: Iterable, *, action: str = AccessAction.VIEW, contents: dict | None = None) -> None:
    """Write many records seen at once (a search result, an export's) to the access log, in one query."""
    audit.log_access_many(request, objs, action=action, contents=contents)


def record_view(
    *,
    get: Callable[[Any, int], Any],
    permissions: Callable[[Any, Any], Any] | None = None,
    allow: Callable[[Any], bool] | None = None,
    log: bool = True,
    closed: Callable[[Any], str | None] | None = None,
    keys: tuple[str, ...] = ("pk",),
):
    """Decorate a page of one record: `view(request, record, perms, *args)`.

    - `get(user, pk)`: the record the user may see, raising Http404 otherwise; `keys` names the
      URL arguments passed to it, in order (`("case_pk",)`, or `("pk", "item_pk")` for a record
      within another), which the view then does not receive;
    - `permissions(user, record)`: the page's permissions object (None when not given);
    - `allow(perms)`: False refuses the page with 403 (the user may see the record, not do this);
    - `log`: each GET is written to the access log (every page of a record shows it);
    - `closed(record)`: a message when the record can no longer be changed. A GET then goes back
      to the record with the message; a POST (the form was opened before it closed) is refused on
      the form by `submit`, keeping what was typed. It may give a pair instead: the message of the
      GET, and the one of the POST.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if all(key in kwargs for key in keys):
                ids = [kwargs.pop(key) for key in keys]
            else:  # called with the ids in order
                ids, args = list(args[: len(keys)]), args[len(keys) :]
            record = get(request.user, *ids)
            perms = permissions(request.user, record) if permissions is not None else None
            if allow is not None and not allow(perms):
                raise PermissionDenied
            if closed is not None:
                message = closed(record)
                if message:
                    on_get, on_post = message if isinstance(message, tuple) else (message, message)
                    if request.method != "POST":
                        messages.info(request, on_get)
                        return redirect(record)
                    request.record_closed = on_post
            if log and request.method == "GET":
                audit.log_access(request, record)
            return view(request, record, perms, *args, **kwargs)

        return wrapped

    return decorator


# --- Forms -----------------------------------------------------------------------------------


def submit(
    request,
    form,
    service: Callable[..., Any],
    *,
    success: Callable[[Any], str] | str,
    message: Callable[[Any], str] | str,
    args: Callable[[dict], dict] | None = None,
    **fixed,
):
    """Run a valid form's service on POST and redirect; otherwise None (the caller renders the form).

    The service is called with keyword arguments: `actor` (the signed-in user), `expected_version`
    (when the form carries the record's version), the `fixed` ones, and `args(cleaned_data)`
    (default: the cleaned data less the version). A refusal (ValidationError, StaleRecord) lands on
    the form, by field where it names one, keeping everything typed. `success` and `message` may
    be functions of the service's result."""
    if request.method != "POST":
        return None
    refused = getattr(request, "record_closed", None)
    if refused:
        form.is_valid()  # what was typed is checked and shown as usual
        form.add_error(None, refused)
        return None
    if not form.is_valid():
        return None
    data = form.cleaned_data
    kwargs = dict(fixed)
    if "version" in form.fields:
        kwargs["expected_version"] = data.get("version")
    if args is None:
        kwargs.update({key: value for key, value in data.items() if key != "version"})
    else:
        kwargs.update(args(data))
    try:
        result = service(actor=request.user, **kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    if callable(message):
        message = message(result)
    if message:
        messages.success(request, message)
    return redirect(success(result) if callable(success) else success)


# --- What other apps add to a page ------------------------------------------------------------


def contributions(request, page: str, obj) -> dict:
    """The sections and actions the apps declare for a page about `obj` (core.contract hooks
    `<page>_sections` and `<page>_actions`: page is "child_page", "contact_page", "case_page",
    "panel_paper", or "mace_page" and "record_page", which have sections only), for the signed-in user. The template
    shows them with `{% include "includes/contributions.html" %}`."""
    actions = f"{page}_actions"
    return {
        "sections": contract.collect(f"{page}_sections", obj, user=request.user),
        "actions": contract.collect(actions, obj, user=request.user) if actions in contract.HOOKS else [],
    }

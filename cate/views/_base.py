"""What the pages of one case share: the record-page decorator, with the case's permissions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render

from core.pages import record_view

from .. import selectors
from ..choices import CaseStatus
from ..permissions import CasePermissions, case_permissions

# A page that records something on a closed case goes back to the case with the first message;
# a form opened before the case closed is refused with the second, keeping what was typed.
CASE_CLOSED_ON_GET = "This case is closed. Reopen it before recording anything more."
CASE_CLOSED_ON_POST = (
    "This case was closed after you opened this page. Nothing has been saved. "
    "Reopen the case before recording anything more."
)


def _closed(case) -> tuple[str, str] | None:
    return (CASE_CLOSED_ON_GET, CASE_CLOSED_ON_POST) if case.status == CaseStatus.CLOSED else None


def case_view(*, log: bool = True, live: bool = False, allow: Callable[[CasePermissions], bool] | None = None):
    """A page of one case: `view(request, case, perms, ...)` with the case the user may see (404
    otherwise) and their permissions on it; `allow` refuses (403) a page they may not use; `live`
    pages record something, so a closed case refuses them."""
    return record_view(
        get=selectors.case_get_for_user,
        permissions=case_permissions,
        allow=allow,
        log=log,
        closed=_closed if live else None,
    )


def works(perms: CasePermissions) -> bool:
    return perms.can_work


def case_form(request, case, perms, template: str, form, **context):
    return render(request, template, {"case": case, "perms": perms, "form": form, **context})


def closed_unless(request, case, allowed: bool):
    """A page that records something on a case, which a closed case allows only in part (the
    decision on an NRM referral made, the closure letter sent to the GP): otherwise what
    `case_view(live=True)` does. A redirect for a GET it refuses; None to go on."""
    if case.status != CaseStatus.CLOSED or allowed:
        return None
    if request.method != "POST":
        messages.info(request, CASE_CLOSED_ON_GET)
        return redirect(case)
    request.record_closed = CASE_CLOSED_ON_POST
    return None

"""Multi-agency actions: by agency or by owner, one action, adding one to a case, a panel decision
or a strategy meeting, changing it, and marking it done or cancelled. A partner agency's
practitioner lists their agency's actions, opens one (what they need to act, not the case record),
records progress on it and completes it."""

from __future__ import annotations

from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cate.selectors import case_get_for_user
from core.forms import for_a_new_record
from core.pages import log, paginate, query_without_page, record_view, require_perm, submit
from core.permissions import role_required

from .. import selectors, services
from ..choices import ActionStatus, AgencyActionsShown
from ..forms import ActionCancelForm, ActionCompleteForm, ActionFilterForm, ActionForm, ActionProgressForm
from ..permissions import ADD_ACTION, AGENCY_ACTIONS, CASEWORK_ROLES, action_permissions, case_page_permissions
from ..rules import action_closed_message
from .agenda import ITEM


def _closed(action) -> str | None:
    """Progress and completion are recorded on an open action only."""
    return action_closed_message(action) if action.status != ActionStatus.OPEN else None


def _action_list(request, by: str):
    today = timezone.localdate()
    form = ActionFilterForm(request.GET or None)
    agency_id = owner_id = None
    overdue = False
    if form.is_valid():
        agency_id = form.cleaned_data["agency"].pk if form.cleaned_data["agency"] else None
        owner_id = form.cleaned_data["owner"].pk if form.cleaned_data["owner"] else None
        overdue = form.cleaned_data["overdue"]
    rows = selectors.action_list_for_user(
        request.user, by=by, agency_id=agency_id, owner_id=owner_id, overdue_on=today if overdue else None
    )
    return render(
        request,
        "riskpanel/action_list.html",
        {
            "form": form,
            "page": paginate(request, rows),
            "by": by,
            "today": today,
            "query": query_without_page(request),
            "counts": selectors.action_counts_by_agency(request.user, today=today) if by == "agency" else None,
        },
    )


@require_GET
@role_required(*CASEWORK_ROLES)
def action_list(request):
    return _action_list(request, "agency")


@require_GET
@role_required(*CASEWORK_ROLES)
def action_list_by_owner(request):
    return _action_list(request, "owner")


@require_GET
def partner_actions(request):
    """A partner's list of the actions their agency owns: open, overdue or done."""
    require_perm(request, AGENCY_ACTIONS)
    today = timezone.localdate()
    show = request.GET.get("show")
    # Anything but a known choice shows the open ones.
    show = AgencyActionsShown(show) if show in AgencyActionsShown.values else AgencyActionsShown.OPEN
    rows = selectors.partner_action_list_for_user(request.user, show=show, today=today)
    return render(
        request,
        "riskpanel/partner_action_list.html",
        {
            "page": paginate(request, rows),
            "show": show,
            "shown": AgencyActionsShown,
            "counts": selectors.partner_action_counts(request.user, today=today),
            "agency": request.user.agency,
            "today": today,
            "query": query_without_page(request),
        },
    )


@require_GET
@record_view(get=selectors.action_get_for_user, permissions=action_permissions)
def action_detail(request, action, perms):
    # A partner sees what they need to act on their agency's action, never the case record.
    template = "riskpanel/action_detail_agency.html" if perms.for_agency else "riskpanel/action_detail.html"
    return render(
        request,
        template,
        {
            "action": action,
            "perms": perms,
            "progress": selectors.action_progress_notes(action),
            "today": timezone.localdate(),
        },
    )


@record_view(
    get=selectors.action_get_for_user, permissions=action_permissions, allow=attrgetter("may_update"), closed=_closed
)
def action_progress_add(request, action, perms):
    form = ActionProgressForm(request.POST or None)
    response = submit(
        request,
        form,
        services.action_progress_record,
        action=action,
        success=action.get_absolute_url() + "#progress",
        message="Progress recorded. The case's worker can read it in the case chronology.",
    )
    return response or render(request, "riskpanel/action_progress_form.html", {"form": form, "action": action})


def _action_form_page(request, *, parent_url: str, parent_label: str, case=None, decision=None, strategy_meeting=None):
    """Add an action to a case, a panel decision or a strategy meeting (the page shows them: each
    is written to the access log)."""
    require_perm(request, ADD_ACTION)
    if request.method == "GET":
        log(request, case, decision.item if decision is not None else None, strategy_meeting)
    form = for_a_new_record(ActionForm(request.POST or None))
    response = submit(
        request,
        form,
        services.action_create,
        case=case,
        decision=decision,
        strategy_meeting=strategy_meeting,
        success=parent_url,
        message="Action added.",
    )
    return response or render(
        request,
        "riskpanel/action_form.html",
        {"form": form, "parent_url": parent_url, "parent_label": parent_label, "case": case},
    )


@record_view(
    get=case_get_for_user,
    keys=("case_pk",),
    permissions=case_page_permissions,
    allow=attrgetter("can_add_action"),  # not on a case the user only reads
    log=False,
)
def action_add_for_case(request, case, _):
    return _action_form_page(
        request,
        parent_url=reverse("riskpanel:case_detail", args=[case.pk]),
        parent_label=f"Back to {case.reference}",
        case=case,
    )


@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, log=False)
def action_add_for_decision(request, item, _):
    decision = selectors.decision_for_item(item)
    if decision is None:
        raise PermissionDenied
    return _action_form_page(
        request,
        parent_url=item.get_absolute_url(),
        parent_label="Back to the panel item",
        case=item.case,
        decision=decision,
    )


@record_view(get=selectors.strategy_meeting_get_for_user, log=False)
def action_add_for_strategy_meeting(request, meeting, _):
    return _action_form_page(
        request,
        parent_url=meeting.get_absolute_url(),
        parent_label=f"Back to the {meeting.kind_label.lower()}",
        case=meeting.case,
        strategy_meeting=meeting,
    )


@record_view(get=selectors.action_get_for_user, permissions=action_permissions, allow=attrgetter("may_change"))
def action_edit(request, action, perms):
    initial = {
        "description": action.description,
        "owner_agency": action.owner_agency_id,
        "owner": action.owner_id,
        "owner_name": action.owner_name,
        "due_on": action.due_on,
        "version": action.version,
    }
    form = ActionForm(request.POST or None, initial=initial)
    response = submit(
        request, form, services.action_update, action=action, success=action.get_absolute_url(), message="Action saved."
    )
    return response or render(
        request,
        "riskpanel/action_form.html",
        {
            "form": form,
            "action": action,
            "case": action.case,
            "parent_url": action.get_absolute_url(),
            "parent_label": "Back to the action",
        },
    )


def _action_close_page(request, action, *, complete: bool):
    form_class = ActionCompleteForm if complete else ActionCancelForm
    form = form_class(request.POST or None, initial={"version": action.version})
    response = submit(
        request,
        form,
        services.action_complete if complete else services.action_cancel,
        action=action,
        success=action.get_absolute_url(),
        message="Action marked as done." if complete else "Action cancelled.",
    )
    return response or render(
        request, "riskpanel/action_close.html", {"form": form, "action": action, "complete": complete}
    )


@record_view(
    get=selectors.action_get_for_user, permissions=action_permissions, allow=attrgetter("may_update"), closed=_closed
)
def action_complete(request, action, perms):
    return _action_close_page(request, action, complete=True)


@record_view(get=selectors.action_get_for_user, permissions=action_permissions, allow=attrgetter("may_change"))
def action_cancel(request, action, perms):
    return _action_close_page(request, action, complete=False)

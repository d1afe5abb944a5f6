"""The context panel's pages: the list, scheduling, one panel with its agenda, its details, opening
and closing it, listing a context, the paper of an item with what the panel decided and the actions
it agreed, the attendance by agency and the minutes.

Every page reads the panel through `context_panel_get_for_user`: an invited member outside the
panel's window, and anyone not invited, gets 404 as for a panel that does not exist. The chair's
pages answer 403 to those who only read."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from core.forms import for_a_new_record
from core.pages import paginate, record_view, require_perm, submit
from core.permissions import role_required
from riskpanel.choices import PanelStatus

from .. import panel_forms as forms
from .. import panel_selectors as selectors
from .. import services
from ..panel_permissions import (
    CHAIR_CONTEXT_PANEL,
    LANDING_ROLES,
    context_item_permissions,
    context_panel_permissions,
)

chairs = attrgetter("can_chair")
panel_view = record_view(get=selectors.context_panel_get_for_user, permissions=context_panel_permissions)


def _chair_view(**kwargs):
    return record_view(
        get=selectors.context_panel_get_for_user, permissions=context_panel_permissions, allow=chairs, **kwargs
    )


def _item_view(**kwargs):
    return record_view(
        get=selectors.context_item_get_for_user, permissions=context_item_permissions, keys=("pk", "item_pk"), **kwargs
    )


def _act(request, service, *, success: str, **kwargs) -> None:
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


def _closed(panel) -> str | None:
    return "This context panel is closed: its agenda and details no longer change." if panel.is_closed else None


def _item_closed(item) -> str | None:
    if item.is_withdrawn:
        return "This item was withdrawn from the agenda."
    if item.panel.minutes_final:
        return "The minutes of this panel are final: nothing on it changes."
    return None


# --- Panels ------------------------------------------------------------------------------------


@require_GET
@role_required(*LANDING_ROLES)
def context_panel_list(request):
    page = paginate(request, selectors.context_panel_list_for_user(request.user))
    return render(
        request,
        "network/context_panel_list.html",
        {"page": page, "perms": context_panel_permissions(request.user)},
    )


def context_panel_schedule(request):
    require_perm(request, CHAIR_CONTEXT_PANEL)
    form = for_a_new_record(forms.ContextPanelForm(request.POST or None))
    response = submit(
        request,
        form,
        services.context_panel_schedule,
        success=lambda panel: panel.get_absolute_url(),
        message="Context panel scheduled.",
    )
    return response or render(request, "network/context_panel_form.html", {"form": form, "panel": None})


@require_GET
@panel_view
def context_panel_detail(request, panel, perms):
    items = selectors.context_items(panel, include_withdrawn=perms.can_chair)
    return render(
        request,
        "network/context_panel_detail.html",
        {
            "panel": panel,
            "perms": perms,
            "items": [item for item in items if not item.is_withdrawn],
            "withdrawn": [item for item in items if item.is_withdrawn],
        },
    )


# The panel's date, place, chair and members (no papers): not written to the access log.
@_chair_view(log=False, closed=_closed)
def context_panel_edit(request, panel, perms):
    initial = {
        "meets_at": panel.meets_at,
        "location": panel.location,
        "chair": panel.chair_id,
        "agencies": [agency.pk for agency in panel.agencies.all()],
        "members": [member.pk for member in panel.members.all()],
        "version": panel.version,
    }
    form = forms.ContextPanelForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.context_panel_update,
        panel=panel,
        success=panel.get_absolute_url(),
        message="Context panel details saved.",
    )
    return response or render(request, "network/context_panel_form.html", {"form": form, "panel": panel})


@require_POST
@_chair_view()
def context_panel_open(request, panel, perms):
    _act(
        request,
        services.context_panel_open,
        panel=panel,
        success="The context panel is open: the partners invited can see the agenda and papers.",
    )
    return redirect(panel)


@require_POST
@_chair_view()
def context_panel_close(request, panel, perms):
    _act(
        request,
        services.context_panel_close,
        panel=panel,
        success="The context panel is closed: the partners invited no longer see its agenda or papers.",
    )
    return redirect(panel)


# --- The agenda ----------------------------------------------------------------------------------


@_chair_view(closed=_closed)
def context_item_add(request, panel, perms):
    search = forms.ContextSearchForm(request.GET or None)
    text = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if request.method == "POST":
        text = request.POST.get("q", "")[:100]
    # Searched for: the places and groups found; otherwise what is due at this panel.
    found = selectors.contexts_matching(request.user, text) if text.strip() else selectors.context_agenda_due(panel)
    form = forms.ContextItemAddForm(request.POST or None, user=request.user, found=found)
    response = submit(
        request,
        form,
        services.context_item_add,
        panel=panel,
        success=panel.get_absolute_url(),
        message=lambda item: "Context added to the agenda.",
    )
    return response or render(
        request,
        "network/context_item_add.html",
        {"form": form, "search": search, "panel": panel, "found": found, "text": text},
    )


@require_GET
@_item_view()
def context_item_detail(request, item, perms):
    return render(
        request,
        "network/context_item_detail.html",
        {
            "item": item,
            "panel": item.panel,
            "perms": perms,
            "context": selectors.context_of(item.node),
            "children": selectors.children_through_context(request.user, item.node),
        },
    )


@_item_view(allow=chairs, closed=_item_closed)
def context_item_decide(request, item, perms):
    if item.panel.status == PanelStatus.SCHEDULED:
        messages.info(request, "Open the panel before recording what it decided.")
        return redirect(item)
    form = forms.ContextDecisionForm(
        request.POST or None,
        initial={"decision": item.decision, "discussion": item.discussion, "version": item.version},
    )
    response = submit(
        request,
        form,
        services.context_item_decide,
        item=item,
        success=item.get_absolute_url(),
        message="Decision recorded.",
    )
    return response or render(request, "network/context_item_form.html", _item_form(item, form, "decision"))


def _minutes_of_item_final(item) -> str | None:
    return "The minutes of this panel are final: nothing on it changes." if item.panel.minutes_final else None


# A withdrawn item's form answers as a stale one would: the service says it moved on.
@_item_view(allow=chairs, closed=_minutes_of_item_final)
def context_item_withdraw(request, item, perms):
    form = forms.ContextItemWithdrawForm(request.POST or None, initial={"version": item.version})
    response = submit(
        request,
        form,
        services.context_item_withdraw,
        item=item,
        success=item.panel.get_absolute_url(),
        message="Item withdrawn from the agenda.",
    )
    return response or render(request, "network/context_item_form.html", _item_form(item, form, "withdraw"))


@_item_view(allow=chairs, closed=_item_closed)
def context_item_action_add(request, item, perms):
    form = for_a_new_record(forms.ContextActionForm(request.POST or None))
    response = submit(
        request,
        form,
        services.context_item_action_add,
        item=item,
        success=item.get_absolute_url() + "#actions",
        message="Action agreed.",
    )
    return response or render(request, "network/context_item_form.html", _item_form(item, form, "action"))


_ITEM_FORMS = {
    "decision": ("What the panel decided", "Save the decision"),
    "withdraw": ("Withdraw the item from the agenda", "Withdraw the item"),
    "action": ("Add an action", "Add the action"),
}


def _item_form(item, form, which: str) -> dict:
    title, button = _ITEM_FORMS[which]
    return {"item": item, "panel": item.panel, "form": form, "title": title, "button": button}


# --- Attendance and minutes ----------------------------------------------------------------------


@require_GET
@panel_view
def context_minutes(request, panel, perms):
    return render(
        request,
        "network/context_minutes.html",
        {
            "panel": panel,
            "perms": perms,
            "items": selectors.context_items(panel),
            "attendance": selectors.context_attendance(panel),
        },
    )


def _minutes_final(panel) -> str | None:
    return "The minutes of this panel are final." if panel.minutes_final else None


@_chair_view(closed=_minutes_final)
def context_minutes_edit(request, panel, perms):
    form = forms.ContextMinutesForm(
        request.POST or None, initial={"other_business": panel.other_business, "version": panel.version}
    )
    response = submit(
        request,
        form,
        services.context_minutes_record,
        panel=panel,
        success=lambda saved: saved.get_absolute_url() + "minutes/",
        message=lambda saved: "Minutes finalised." if saved.minutes_final else "Minutes saved.",
    )
    return response or render(
        request, "network/context_panel_form.html", {"form": form, "panel": panel, "title": "Minutes"}
    )


@_chair_view(closed=_minutes_final)
def context_attendance(request, panel, perms):
    attendance = selectors.context_attendance(panel)
    recorded = {row.agency_id for row in attendance}
    waiting = [agency.pk for agency in panel.agencies.all() if agency.pk not in recorded]
    initial = {"version": panel.version, "agency": waiting[0] if waiting else None}
    form = forms.ContextAttendanceForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.context_attendance_record,
        panel=panel,
        success=panel.get_absolute_url() + "minutes/",
        message=lambda row: f"Attendance of {row.agency} recorded.",
    )
    return response or render(
        request,
        "network/context_panel_form.html",
        {"form": form, "panel": panel, "title": "Attendance", "attendance": attendance},
    )


_ITEM = "context-panels/<int:pk>/items/<int:item_pk>/"
urlpatterns = [
    path("context-panels/", context_panel_list, name="context_panel_list"),
    path("context-panels/schedule/", context_panel_schedule, name="context_panel_schedule"),
    path("context-panels/<int:pk>/", context_panel_detail, name="context_panel_detail"),
    path("context-panels/<int:pk>/edit/", context_panel_edit, name="context_panel_edit"),
    path("context-panels/<int:pk>/open/", context_panel_open, name="context_panel_open"),
    path("context-panels/<int:pk>/close/", context_panel_close, name="context_panel_close"),
    path("context-panels/<int:pk>/items/add/", context_item_add, name="context_item_add"),
    path(_ITEM, context_item_detail, name="context_item_detail"),
    path(_ITEM + "decision/", context_item_decide, name="context_item_decide"),
    path(_ITEM + "withdraw/", context_item_withdraw, name="context_item_withdraw"),
    path(_ITEM + "actions/add/", context_item_action_add, name="context_item_action_add"),
    path("context-panels/<int:pk>/minutes/", context_minutes, name="context_minutes"),
    path("context-panels/<int:pk>/minutes/edit/", context_minutes_edit, name="context_minutes_edit"),
    path("context-panels/<int:pk>/attendance/", context_attendance, name="context_attendance"),
]

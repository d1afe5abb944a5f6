"""The landing page and the panels: the list, the schedule, one panel, its details, opening and
closing it, and building its agenda."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.pages import paginate, record_view, require_perm, submit
from core.permissions import role_required
from core.selectors import service_settings

from .. import selectors, services
from ..choices import PanelStatus
from ..forms import AgendaChooseForm, PanelCloseForm, PanelForm, PanelScheduleForm
from ..permissions import CHAIR_PANEL, LANDING_ROLES, PANEL_ROLES, landing_permissions, panel_permissions
from ..rules import next_meets_at
from ._common import act, chairs


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    user = request.user
    perms = landing_permissions(user)
    context = {"perms": perms}
    if perms.sees_all_panels:
        context["upcoming"] = selectors.panels_upcoming(now=timezone.now())
    elif perms.is_panel_member:
        context["open_panels"] = list(selectors.panel_list_for_user(user)[:10])
    return render(request, "riskpanel/index.html", context)


@require_GET
@role_required(*PANEL_ROLES)
def panel_list(request):
    page = paginate(request, selectors.panel_list_for_user(request.user))
    return render(request, "riskpanel/panel_list.html", {"page": page, "perms": panel_permissions(request.user)})


def _scheduled(created) -> str:
    first = clock.local(created[0].meets_at)
    return f"{len(created)} panel{'s' if len(created) != 1 else ''} scheduled, the first on {first:%-d %B %Y}."


def panel_schedule(request):
    require_perm(request, CHAIR_PANEL)
    last = selectors.panel_latest()
    settings = service_settings()
    form = PanelScheduleForm(request.POST or None, first=last is None, initial={"count": 4})

    def args(data: dict) -> dict:
        first = last is None  # later panels take the place, agencies and members of the last one
        return {
            "count": data["count"],
            "first_meets_at": data.get("first_meets_at"),
            "location": data.get("location") if first else None,
            "chair": data.get("chair"),
            "agencies": data.get("agencies") if first else None,
            "members": data.get("members") if first else None,
        }

    response = submit(
        request, form, services.panel_schedule, args=args, success="riskpanel:panel_list", message=_scheduled
    )
    return response or render(
        request,
        "riskpanel/panel_schedule.html",
        {"form": form, "last": last, "interval": settings.duration("panel_schedule_interval")},
    )


@require_GET
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions)
def panel_detail(request, meeting, perms):
    settings = service_settings()
    items = selectors.panel_agenda(
        request.user, meeting, include_withdrawn=perms.can_chair, now=timezone.now(), settings=settings
    )
    live = [i for i in items if not i.is_withdrawn]
    due = None
    if perms.can_chair and perms.agenda_editable:
        due = len(selectors.agenda_candidates(meeting=meeting, user=request.user, settings=settings))
    return render(
        request,
        "riskpanel/panel_detail.html",
        {
            "meeting": meeting,
            "items": live,
            "withdrawn": [i for i in items if i.is_withdrawn],
            "perms": perms,
            "late_count": sum(1 for i in live if i.first_panel_deadline_missed),
            "capacity": settings["panel_capacity"],
            "taken": sum(1 for i in live if not i.is_carried),
            "due_count": due,
            "minutes": selectors.minutes_for_meeting(meeting),
        },
    )


# The panel's date, place, chair and members (no papers): not written to the access log.
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs, log=False)
def panel_edit(request, meeting, perms):
    initial = {
        "meets_at": meeting.meets_at,
        "location": meeting.location,
        "chair": meeting.chair_id,
        "agencies": [a.pk for a in meeting.agencies.all()],
        "members": [m.pk for m in meeting.members.all()],
        "version": meeting.version,
    }
    form = PanelForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.panel_update,
        meeting=meeting,
        success=meeting.get_absolute_url(),
        message="Panel details saved.",
    )
    return response or render(request, "riskpanel/panel_edit.html", {"form": form, "meeting": meeting})


@require_POST
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs)
def panel_open(request, meeting, perms):
    act(
        request,
        services.panel_open,
        meeting=meeting,
        success="The panel is open: invited panel members can see the agenda and papers.",
    )
    return redirect(meeting)


def _not_open(meeting) -> str | None:
    if meeting.status == PanelStatus.SCHEDULED:
        return "The panel has not met yet: open it before closing it."
    if meeting.status == PanelStatus.CLOSED:
        return "The panel is already closed."
    return None


def _closed_message(meeting) -> str:
    text = "The panel is closed: panel members no longer see its agenda or papers."
    if meeting.carried:
        n = len(meeting.carried)
        text += (
            f" {n} item{'s' if n != 1 else ''} not decided {'were' if n != 1 else 'was'} carried to the panel of "
            f"{clock.local(meeting.carried_to_meeting.meets_at):%-d %B %Y}."
        )
    return text


@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs, closed=_not_open)
def panel_close(request, meeting, perms):
    """Close the panel: each item not decided goes to the next panel, with why it was not decided."""
    items = selectors.undecided_items(request.user, meeting)
    form = PanelCloseForm(request.POST if request.method == "POST" else None, items=items)
    response = submit(
        request,
        form,
        services.panel_close,
        meeting=meeting,
        args=lambda data: {"reasons": form.reasons(), "reason_for_others": data["reason_for_others"]},
        success=meeting.get_absolute_url(),
        message=_closed_message,
    )
    if response:
        return response
    following = selectors.panel_next_after(meeting)
    latest = selectors.panel_latest()
    return render(
        request,
        "riskpanel/panel_close.html",
        {
            "form": form,
            "meeting": meeting,
            "items": items,
            "following": following,
            "scheduled_on": None
            if following
            else next_meets_at(latest.meets_at, service_settings(), now=timezone.now()),
            "interval": service_settings().duration("panel_schedule_interval"),
        },
    )


def _chosen(left: int):
    def message(created) -> str:
        n = len(created)
        text = f"{n} case{'s' if n != 1 else ''} added to the agenda."
        if left - n > 0:
            text += f" {left - n} case{'s' if left - n != 1 else ''} still due wait for the next panel."
        return text

    return message


@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs)
def agenda_build(request, meeting, perms):
    """The chair chooses, from the cases due (most urgent first, each with its last decision), those
    this panel has places for; the others wait for the next panel."""
    if not perms.agenda_editable:
        messages.info(request, "The agenda of a closed panel cannot change.")
        return redirect(meeting)
    settings = service_settings()
    candidates = selectors.agenda_candidates(meeting=meeting, user=request.user, settings=settings)
    capacity = settings["panel_capacity"]
    taken = selectors.agenda_places_taken(meeting)
    places = max(capacity - taken, 0)
    initial = {"cases": [c.case.pk for c in candidates[:places]]}  # the most urgent, to change
    bound = request.POST if request.method == "POST" else None  # nothing ticked is a choice to refuse
    form = AgendaChooseForm(bound, candidates=candidates, initial=initial)
    response = submit(
        request,
        form,
        services.agenda_build,
        meeting=meeting,
        args=lambda data: {"cases": data["cases"]},
        success=meeting.get_absolute_url(),
        message=_chosen(len(candidates)),
    )
    if response:
        return response
    chosen = {str(v) for v in (form["cases"].value() or [])}
    return render(
        request,
        "riskpanel/agenda_choose.html",
        {
            "form": form,
            "meeting": meeting,
            "candidates": candidates,
            "chosen": chosen,
            "capacity": capacity,
            "taken": taken,
            "places": places,
            "following": selectors.panel_next_after(meeting),
            "today": timezone.localdate(),
        },
    )

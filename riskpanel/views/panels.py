"""The landing page and the panels: the list, the schedule, one panel, its details, opening and
closing it, and building its agenda."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.pages import paginate, record_view, require_perm, submit
from core.permissions import role_required
from core.selectors import service_settings

from .. import selectors, services
from ..forms import PanelForm, PanelScheduleForm
from ..permissions import CHAIR_PANEL, LANDING_ROLES, PANEL_ROLES, landing_permissions, panel_permissions
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
    items = selectors.panel_agenda(
        request.user, meeting, include_withdrawn=perms.can_chair, now=timezone.now(), settings=service_settings()
    )
    return render(
        request,
        "riskpanel/panel_detail.html",
        {
            "meeting": meeting,
            "items": [i for i in items if not i.is_withdrawn],
            "withdrawn": [i for i in items if i.is_withdrawn],
            "perms": perms,
            "late_count": sum(1 for i in items if i.first_panel_deadline_missed and not i.is_withdrawn),
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


@require_POST
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs)
def panel_close(request, meeting, perms):
    act(
        request,
        services.panel_close,
        meeting=meeting,
        success="The panel is closed: panel members no longer see its agenda or papers.",
    )
    return redirect(meeting)


@require_POST
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs)
def agenda_build(request, meeting, perms):
    try:
        created = services.agenda_build(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            messages.success(request, f"{len(created)} case{'s' if len(created) != 1 else ''} added to the agenda.")
        else:
            messages.info(request, "No more cases are due at this panel.")
    return redirect(meeting)

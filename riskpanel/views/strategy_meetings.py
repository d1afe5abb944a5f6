"""Strategy meetings: those due and those held, one meeting, and recording it."""

from __future__ import annotations

from operator import attrgetter

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pages import paginate, record_view, submit
from core.permissions import role_required
from core.selectors import service_settings

from .. import rules, selectors, services
from ..forms import StrategyMeetingForm
from ..permissions import CASEWORK_ROLES, strategy_meeting_permissions


@require_GET
@role_required(*CASEWORK_ROLES)
def strategy_meeting_list(request):
    held = request.GET.get("held") == "1"
    page = paginate(request, selectors.strategy_meeting_list_for_user(request.user, held=held))
    now = timezone.now()
    settings = service_settings()
    for meeting in page.object_list:
        key = rules.strategy_meeting_timescale(meeting.is_review)
        meeting.due_state = settings.classify(key, meeting.due_at, now=now, met_at=meeting.held_at)
    return render(
        request,
        "riskpanel/strategy_meeting_list.html",
        {"page": page, "held": held, "query": "held=1" if held else ""},
    )


@require_GET
@record_view(get=selectors.strategy_meeting_get_for_user, permissions=strategy_meeting_permissions)
def strategy_meeting_detail(request, meeting, perms):
    settings = service_settings()
    key = rules.strategy_meeting_timescale(meeting.is_review)
    return render(
        request,
        "riskpanel/strategy_meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "due_state": settings.classify(key, meeting.due_at, now=timezone.now(), met_at=meeting.held_at),
            "actions": selectors.actions_for_strategy_meeting(meeting),
            "perms": perms,
            "today": timezone.localdate(),
        },
    )


@record_view(
    get=selectors.strategy_meeting_get_for_user,
    permissions=strategy_meeting_permissions,
    allow=attrgetter("may_record"),
)
def strategy_meeting_record(request, meeting, perms):
    form = StrategyMeetingForm(request.POST or None, initial={"version": meeting.version})
    response = submit(
        request,
        form,
        services.strategy_meeting_record,
        meeting=meeting,
        success=meeting.get_absolute_url(),
        message=f"{meeting.kind_label} recorded.",
    )
    return response or render(request, "riskpanel/strategy_meeting_record.html", {"form": form, "meeting": meeting})

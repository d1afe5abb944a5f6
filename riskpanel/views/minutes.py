"""A panel's minutes: the page (printable), the PDF, and writing them (a draft, then final)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.audit import export_contents
from core.choices import AccessAction
from core.pages import log, log_many, record_view, submit
from core.pdf import pdf_response, render_pdf
from core.reauth import fresh_sign_in_required

from .. import selectors, services
from ..choices import PanelStatus
from ..forms import PanelMinutesForm, active_agencies
from ..permissions import panel_permissions
from ._common import chairs


def _context(request, meeting) -> dict:
    minutes = selectors.minutes_for_meeting(meeting)
    return {
        "meeting": meeting,
        "minutes": minutes,
        "attendance": list(minutes.attendance.all()) if minutes else [],
        "items": selectors.agenda_for_minutes(request.user, meeting),
        "printed_on": timezone.localdate(),
    }


@require_GET
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions)
def minutes_detail(request, meeting, perms):
    """The minutes as they stand (a draft says so, and who last changed it): the page prints."""
    return render(request, "riskpanel/minutes_detail.html", {**_context(request, meeting), "perms": perms})


@require_GET
@record_view(get=selectors.panel_get_for_user, log=False)
@fresh_sign_in_required
def minutes_pdf(request, meeting, _):
    """The minutes as a PDF: logged against the panel and against each child whose item it holds,
    so that the list of who saw a child shows the export."""
    context = _context(request, meeting)
    items = context["items"]
    children = sorted({item.case.child_id for item in items if item.case_id})
    contents = export_contents(
        "panel_minutes_pdf",
        f"PDF of the minutes of panel {meeting.pk}: {len(items)} item{'' if len(items) == 1 else 's'}, "
        f"{len(children)} child{'' if len(children) == 1 else 'ren'}"
        + ("" if context["minutes"] is not None and context["minutes"].is_final else " (draft)"),
        panel=meeting.pk,
        items=[item.pk for item in items],
        children=children,
    )
    log(request, meeting, action=AccessAction.EXPORT, contents=contents)
    log_many(request, [item for item in items if item.case_id], action=AccessAction.EXPORT, contents=contents)
    content = render_pdf("riskpanel/minutes_pdf.html", context, request=request)
    return pdf_response(content, f"risk-panel-minutes-{timezone.localtime(meeting.meets_at):%Y-%m-%d}.pdf")


def _final(meeting) -> str | None:
    if meeting.status == PanelStatus.SCHEDULED:
        return "The panel has not met yet: open it before writing its minutes."
    minutes = selectors.minutes_for_meeting(meeting)
    if minutes is not None and minutes.is_final:
        return "These minutes are final and no longer change."
    return None


@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs, closed=_final)
def minutes_edit(request, meeting, perms):
    """Attendance and apologies by agency, and what was discussed on each item: saved as a draft with
    anything filled, checked for completeness when finalised."""
    minutes = selectors.minutes_for_meeting(meeting)
    items = selectors.agenda_for_minutes(request.user, meeting)
    form = PanelMinutesForm(
        request.POST or None,
        agencies=active_agencies(),
        items=items,
        initial=PanelMinutesForm.initial_from(minutes, items),
    )
    finalise = request.POST.get("finalise") == "yes"
    response = submit(
        request,
        form,
        services.panel_minutes_save,
        meeting=meeting,
        args=lambda data: {
            "attendance": form.attendance(),
            "discussions": form.discussions(),
            "other_business": data["other_business"],
            "finalise": finalise,
        },
        success=lambda saved: saved.get_absolute_url() if finalise else request.path,
        message="Minutes finalised." if finalise else "Minutes saved as a draft.",
    )
    return response or render(
        request,
        "riskpanel/minutes_form.html",
        {"form": form, "meeting": meeting, "minutes": minutes, "items": items},
    )

"""The disruption register: its list, planning a disruption against a person, place or vehicle,
the police's agreement to one that could affect an investigation, and its outcome. Every read is
access-logged; a disruption the reader may not see answers 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from core.pages import log_many, paginate, query_without_page, record_view, submit
from network.selectors import record_to_link

from .. import forms, selectors, services
from ..choices import DisruptionStatus, Tactic
from ..permissions import can_record_disruption, disruption_permissions

TARGET_KINDS = ("person", "place", "vehicle")


@require_GET
def disruption_list(request):
    status = request.GET.get("status", "")
    tactic = request.GET.get("tactic", "")
    status = status if status in DisruptionStatus.values else ""
    tactic = tactic if tactic in Tactic.values else ""
    if not selectors.can_read_disruptions(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.disruption_list_for_user(request.user, status=status, tactic=tactic))
    log_many(request, page.object_list)
    return render(
        request,
        "intelligence/disruption_list.html",
        {
            "page": page,
            "status": status,
            "tactic": tactic,
            "statuses": DisruptionStatus.choices,
            "tactics": Tactic.choices,
            "query": query_without_page(request),
            "perms": disruption_permissions(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def disruption_add(request, kind, pk):
    """Plan a disruption against a person, place or vehicle (from its page), optionally from a
    submission (`?report=`)."""
    if kind not in TARGET_KINDS:
        raise Http404
    target = record_to_link(request.user, kind, pk)
    if target is None:
        raise Http404
    if not can_record_disruption(request.user):
        raise PermissionDenied
    report = selectors.report_for_disruption(request.user, request.GET.get("report"))
    form = forms.DisruptionForm(request.POST or None)
    response = submit(
        request,
        form,
        services.disruption_record,
        target=target,
        report=report,
        success=lambda disruption: disruption.get_absolute_url(),
        message=lambda disruption: f"Disruption {disruption.reference} planned and put on the action list",
    )
    return response or render(
        request, "intelligence/disruption_form.html", {"form": form, "target": target, "report": report}
    )


_read = record_view(get=selectors.disruption_get_for_user, permissions=disruption_permissions)


def _closed(disruption):
    if not disruption.is_open:
        return "This disruption is closed: it cannot change"
    return None


@require_GET
@_read
def disruption_detail(request, disruption, perms):
    return render(request, "intelligence/disruption_detail.html", {"disruption": disruption, "perms": perms})


@require_http_methods(["GET", "POST"])
@record_view(
    get=selectors.disruption_get_for_user,
    permissions=disruption_permissions,
    allow=lambda perms: perms.can_agree,
    closed=_closed,
)
def disruption_agree(request, disruption, perms):
    form = forms.AgreeForm(request.POST or None, initial={"version": disruption.version})
    response = submit(
        request,
        form,
        services.disruption_agree,
        disruption=disruption,
        success=disruption.get_absolute_url(),
        message="Agreed for the police",
    )
    return response or render(
        request,
        "intelligence/disruption_step.html",
        {"disruption": disruption, "form": form, "title": "Agree for the police"},
    )


@require_http_methods(["GET", "POST"])
@record_view(
    get=selectors.disruption_get_for_user,
    permissions=disruption_permissions,
    allow=lambda perms: perms.can_record,
    closed=_closed,
)
def disruption_close(request, disruption, perms):
    form = forms.DisruptionCloseForm(request.POST or None, initial={"version": disruption.version})
    response = submit(
        request,
        form,
        services.disruption_close,
        disruption=disruption,
        success=disruption.get_absolute_url(),
        message="Disruption updated",
    )
    return response or render(
        request,
        "intelligence/disruption_step.html",
        {"disruption": disruption, "form": form, "title": "Record the outcome"},
    )

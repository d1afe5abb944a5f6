"""Hotspots and the cohort's profile (network.hotspots), for the holders of `analyse_network`. Both
read only what the reader may see, and write what they showed to the access log: the places of the
page shown, and the children a profile counts."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.audit import export_contents
from core.pages import log_many, paginate, query_without_page

from .. import hotspots
from ..analysis_forms import HotspotFilterForm, ProfileFilterForm
from ..permissions import require_analyse_network


def _period_text(period) -> str:
    return f"{period.start:%-d %B %Y} to {period.end:%-d %B %Y}"


@require_GET
def hotspot_list(request):
    require_analyse_network(request.user)
    form = HotspotFilterForm(request.GET or None, today=timezone.localdate())
    period = form.period
    hotspots_only = bool(form.is_bound and form.is_valid() and form.cleaned_data["hotspots_only"])
    page = paginate(request, hotspots.hotspot_rows(request.user, period, hotspots_only=hotspots_only))
    page.object_list = hotspots.places_for(page.object_list)
    contents = export_contents(
        "network_hotspots",
        f"Places by linked children and missing episodes, {_period_text(period)}: page {page.number}",
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        hotspots_only=hotspots_only,
    )
    log_many(request, [row["place"] for row in page.object_list], contents=contents)
    return render(
        request,
        "network/hotspot_list.html",
        {"form": form, "period": period, "page": page, "query": query_without_page(request)},
    )


@require_GET
def cohort_profile(request):
    require_analyse_network(request.user)
    form = ProfileFilterForm(request.GET or None, today=timezone.localdate())
    period = form.period
    linked_to = form.cleaned_data["linked_to"] if form.is_bound and form.is_valid() else "any"
    children = list(hotspots.cohort_children(request.user, period, linked_to))
    contents = export_contents(
        "network_profile",
        f"Profile of {len(children)} children linked to {hotspots.LINKED_TO[linked_to][0]}, {_period_text(period)}",
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        linked_to=linked_to,
    )
    log_many(request, children, contents=contents)
    context = {
        "form": form,
        "period": period,
        "linked_to": hotspots.LINKED_TO[linked_to][0],
        "total": len(children),
        "breakdowns": hotspots.cohort_profile(children, period),
    }
    return render(request, "network/cohort_profile.html", context)

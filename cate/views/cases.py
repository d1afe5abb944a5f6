"""The case: its page, details and allocation, chronology, statutory episodes, closure and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import clock
from core.forms import refuse_if_stale
from core.links import case_links
from core.pages import contributions, submit
from core.selectors import service_settings

from .. import forms, selectors, services
from ..choices import CaseStatus, RiskLevel
from ..family_sections import family_context
from ..rules import visit_frequency
from ._base import case_form, case_view, works


@require_GET
@case_view()
def case_detail(request, case, perms):
    settings = service_settings()
    page = selectors.case_page(case, now=timezone.now(), settings=settings)
    frequency = visit_frequency(case.current_risk_level, settings) if case.is_live else None
    statutory_open = any(e.end is None for e in page.statutory_episodes)
    added = contributions(request, "case_page", case)
    family = family_context(case.child, request.user)
    return render(
        request,
        "cate/case_detail.html",
        {
            "case": case,
            "perms": perms,
            "page": page,
            "frequency": frequency,
            "next_visit_state": (
                clock.classify(case.next_visit_due_at, now=timezone.now()) if case.next_visit_due_at else None
            ),
            "needs_statutory_episode": case.open_to != "cate" and not statutory_open and case.is_live,
            "risk_high": case.current_risk_level in (RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH),
            "see_also": case_links(case.pk),
            "contributions": added,
            "contents": case_contents(case, page, added),
            **family,
        },
    )


# The case page's own sections, in the order it shows them (the anchors of its summary cards).
CASE_SECTIONS = (
    ("oversight", "Management oversight"),
    ("chronology", "Chronology"),
    ("notes", "Case notes"),
    ("family", "Family and household"),
    ("visits", "Visits"),
    ("risk", "Risk assessments"),
    ("missing", "Missing episodes and return home interviews"),
    ("nrm", "National Referral Mechanism (NRM)"),
    ("gp-letters", "GP letters"),
    ("support", "Support referrals and disclosures"),
    ("statutory", "Statutory safeguarding"),
    ("transition", "Post-17 transition meeting"),
    ("history", "Allocation and closure history"),
)


def case_contents(case, page, added) -> list[tuple[str, str]]:
    """The contents list of the case page: what is due, what other apps add, then its own sections."""
    due = [("due", "What is due")] if case.is_live and page.due_items else []
    sections = [(f"section-{number}", section.title) for number, section in enumerate(added["sections"], 1)]
    return [*due, *sections, *CASE_SECTIONS]


@case_view(live=True, allow=works)
def case_edit(request, case, perms):
    initial = {
        "version": case.version,
        "open_to": case.open_to,
        "exploitation_types": forms.exploitation_initial(case),
        "classification": case.classification,
    }
    form = forms.CaseDetailsForm(request.POST or None, initial=initial, can_classify=perms.can_classify)
    response = submit(
        request,
        form,
        services.case_update,
        case=case,
        args=lambda data: {
            "open_to": data["open_to"],
            "classification": data["classification"],
            "reason": data["reason"],
            **form.exploitation(),
        },
        success=case.get_absolute_url(),
        message="Case details saved",
    )
    return response or case_form(request, case, perms, "cate/case_edit.html", form)


@case_view(live=True, allow=lambda perms: perms.can_allocate)
def case_allocate(request, case, perms):
    holders = selectors.case_holder_choices()
    counts = selectors.caseload_counts(holder.pk for holder in holders)
    limit = service_settings()["caseload_limit"]
    form = forms.AllocationForm(
        request.POST or None,
        initial={"version": case.version, "worker": case.allocated_worker_id},
        holders=holders,
        counts=counts,
        limit=limit,
    )
    response = submit(
        request, form, services.case_allocate, case=case, success=case.get_absolute_url(), message="Case allocated"
    )
    return response or case_form(request, case, perms, "cate/case_allocate.html", form, limit=limit)


@case_view(live=True, allow=works)
def significant_event_add(request, case, perms):
    form = forms.SignificantEventForm(request.POST or None)
    response = submit(
        request,
        form,
        services.chronology_add_significant_event,
        case=case,
        success=reverse("cate:chronology", args=[case.pk]),
        message="Significant event added to the chronology",
    )
    return response or case_form(request, case, perms, "cate/significant_event_form.html", form)


@case_view(live=True, allow=works)
def statutory_episode_add(request, case, perms):
    form = forms.StatutoryEpisodeForm(request.POST or None)
    response = submit(
        request,
        form,
        services.statutory_episode_add,
        case=case,
        success=case.get_absolute_url() + "#statutory",
        message="Statutory episode recorded",
    )
    return response or case_form(request, case, perms, "cate/statutory_episode_form.html", form)


@case_view(live=True, allow=works)
def statutory_episode_edit(request, case, perms, item: int):
    episode = selectors.statutory_episode_get_on_case(case, item)
    form = forms.StatutoryEpisodeEditForm(
        request.POST or None, initial={"version": episode.version, "start": episode.start, "end": episode.end}
    )
    response = submit(
        request,
        form,
        services.statutory_episode_update,
        episode=episode,
        case=case,
        success=case.get_absolute_url() + "#statutory",
        message="Statutory episode saved",
    )
    return response or case_form(request, case, perms, "cate/statutory_episode_form.html", form, episode=episode)


@case_view(allow=works)
def closure_propose(request, case, perms):
    live = case.status == CaseStatus.OPEN
    outstanding = selectors.closure_outstanding(case, now=timezone.now(), settings=service_settings()) if live else []
    form = forms.ClosureProposeForm(request.POST or None, initial={"version": case.version}, outstanding=outstanding)
    if not live:
        if refuse_if_stale(form, case):
            return case_form(request, case, perms, "cate/closure_propose.html", form)
        messages.info(request, "Only an open case can be proposed for closure.")
        return redirect(case)
    response = submit(
        request,
        form,
        services.case_closure_propose,
        case=case,
        args=lambda data: form.proposal(),
        success=case.get_absolute_url(),
        message="Closure proposed: a team leader will approve or return it",
    )
    blocked = [item for item in outstanding if not item.overridable]
    return response or case_form(
        request, case, perms, "cate/closure_propose.html", form, outstanding=outstanding, blocked=blocked
    )


def _decided(case) -> str:
    return "Case closed" if case.status == CaseStatus.CLOSED else "Closure returned to the worker"


@case_view(allow=lambda perms: perms.can_close)
def closure_decide(request, case, perms):
    closure = selectors.closure_proposed(case)
    items = selectors.closure_items(closure)
    # What is outstanding now: anything the proposal does not answer stops the approval.
    current = selectors.closure_outstanding(case, now=timezone.now(), settings=service_settings()) if closure else []
    form = forms.ClosureDecisionForm(
        request.POST or None,
        initial={"version": case.version},
        items=items,
        still_outstanding={item.code for item in current},
    )
    if closure is None:
        if refuse_if_stale(form, case):
            return case_form(
                request, case, perms, "cate/closure_decide.html", form, closure=selectors.closure_latest(case)
            )
        messages.info(request, "No closure of this case is waiting for a decision.")
        return redirect(case)
    approve = request.POST.get("decision") == "approve"
    response = submit(
        request,
        form,
        services.case_closure_approve if approve else services.case_closure_return,
        case=case,
        args=lambda data: {"note": data["note"], "item_decisions": form.item_decisions()},
        success=case.get_absolute_url(),
        message=_decided,
    )
    answered = {item.code for item in items}
    since = [item for item in current if not item.overridable or item.code not in answered]
    return response or case_form(request, case, perms, "cate/closure_decide.html", form, closure=closure, since=since)


@case_view(allow=lambda perms: perms.can_close)
def case_reopen(request, case, perms):
    form = forms.ReopenForm(request.POST or None, initial={"version": case.version})
    if case.status != CaseStatus.CLOSED:
        if refuse_if_stale(form, case):
            return case_form(request, case, perms, "cate/case_reopen.html", form)
        messages.info(request, "Only a closed case can be reopened.")
        return redirect(case)
    response = submit(
        request,
        form,
        services.case_reopen,
        case=case,
        args=lambda data: {"reason": data["reason"]},
        success=case.get_absolute_url(),
        message="Case reopened: allocate it to a worker",
    )
    return response or case_form(request, case, perms, "cate/case_reopen.html", form)

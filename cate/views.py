"""Pages of CATE casework. Thin: selector, form, service, redirect after POST."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from contacts.choices import ExploitationFactor, FactorLevel
from core import audit, clock
from core.choices import AccessAction
from core.forms import add_service_errors, refuse_if_stale
from core.links import case_links
from core.pdf import pdf_response, render_pdf
from core.permissions import role_required
from core.selectors import service_settings

from . import forms, selectors, services
from .choices import LIVE_CASE_STATUSES, CaseStatus, ReferralStatus, RiskLevel, SupportService
from .models import Case, DetailedAssessment, StatutoryEpisode
from .permissions import (
    ALLOCATE_CASE,
    ASSIGN_ASSESSMENT,
    CLOSE_CASE,
    LANDING_ROLES,
    OPEN_CASE,
    VIEW_ALL_CASES,
    VIEW_REFERRAL,
)
from .rules import visit_frequency

PAGE_SIZE = 25


def _paginate(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


CASE_CLOSED = (
    "This case was closed after you opened this page. Nothing has been saved. "
    "Reopen the case before recording anything more."
)


def _submit(request, form, action: Callable, success: Callable | str, message: str):
    """Run a valid form's service; a refusal lands on the form, keeping everything typed."""
    if request.method != "POST":
        return None
    if getattr(request, "case_closed", False):
        form.is_valid()  # what was typed is checked and shown as usual
        form.add_error(None, CASE_CLOSED)
        return None
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, message)
    return redirect(success(result) if callable(success) else success)


# --- Landing page and caseloads ------------------------------------------------------------


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    user, now, settings = request.user, timezone.now(), service_settings()
    context = {"is_manager": user.has_perm(VIEW_ALL_CASES)}
    mine = selectors.caseload_rows(selectors.caseload_of(user, user), now=now, settings=settings)
    context["my_caseload_count"] = len(mine)
    context["my_overdue"] = sum(row.overdue_count for row in mine)
    referrals = list(selectors.referral_queue(user))
    context["referral_count"] = len(referrals)
    context["referrals_overdue"] = sum(1 for r in referrals if r.assessment_due_at < now)
    if context["is_manager"]:
        cases = selectors.cases_visible_to(user)
        unallocated = list(
            cases.filter(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=True).values_list(
                "allocation_due_at", flat=True
            )
        )
        context["unallocated_count"] = len(unallocated)
        context["unallocated_overdue"] = sum(1 for due in unallocated if due and due < now)
        context["closures_count"] = cases.filter(status=CaseStatus.CLOSURE_PROPOSED).count()
        context["transitions_overdue"] = selectors.case_list_for_user(user, "transition_overdue").count()
    return render(request, "cate/index.html", context)


def _caseload_page(request, worker, *, title: str, template: str = "cate/caseload_detail.html"):
    now, settings = timezone.now(), service_settings()
    rows = selectors.caseload_rows(selectors.caseload_of(request.user, worker), now=now, settings=settings)
    limit = settings["caseload_limit"]
    return render(
        request,
        template,
        {"page": _paginate(request, rows), "worker": worker, "title": title, "limit": limit, "count": len(rows)},
    )


@require_GET
@role_required(*LANDING_ROLES)
def my_caseload(request):
    return _caseload_page(request, request.user, title="My caseload")


@require_GET
def caseload_list(request):
    if not request.user.has_perm(ALLOCATE_CASE):
        raise PermissionDenied
    limit = service_settings()["caseload_limit"]
    rows = selectors.case_holders_with_caseloads()
    return render(request, "cate/caseload_list.html", {"page": _paginate(request, rows), "limit": limit})


@require_GET
def caseload_detail(request, user_pk: int):
    if not request.user.has_perm(ALLOCATE_CASE):
        raise PermissionDenied
    worker = get_object_or_404(services.case_holders(), pk=user_pk)
    return _caseload_page(request, worker, title=f"Caseload of {worker}")


# --- Referrals and the detailed assessment -------------------------------------------------


@require_GET
def referral_list(request):
    if not request.user.has_perm(VIEW_REFERRAL):
        raise PermissionDenied
    completed = request.GET.get("view") == "completed"
    now, settings = timezone.now(), service_settings()
    page = _paginate(request, selectors.referral_queue(request.user, completed=completed))
    rows = [(r, selectors.referral_due_state(r, now=now, settings=settings)) for r in page.object_list]
    return render(
        request,
        "cate/referral_list.html",
        {"page": page, "rows": rows, "completed": completed, "query": "view=completed" if completed else ""},
    )


@require_GET
def referral_detail(request, pk: int):
    referral = selectors.referral_get_for_user(request.user, pk)
    audit.log_access(request, referral)
    assessment = getattr(referral, "assessment", None)
    user = request.user
    state = selectors.referral_due_state(referral, now=timezone.now(), settings=service_settings())
    context = {
        "referral": referral,
        "assessment": assessment,
        "state": state,
        "case": getattr(referral, "case", None),
        "can_start": user.has_perm(ASSIGN_ASSESSMENT) and referral.status == ReferralStatus.AWAITING_ASSESSMENT,
        "can_edit": assessment is not None
        and referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS
        and services._can_edit_assessment(user, assessment),
        "can_decide": user.has_perm(OPEN_CASE) and referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS,
    }
    return render(request, "cate/referral_detail.html", context)


def assessment_start(request, pk: int):
    referral = selectors.referral_get_for_user(request.user, pk)
    if not request.user.has_perm(ASSIGN_ASSESSMENT):
        raise PermissionDenied
    if referral.status != ReferralStatus.AWAITING_ASSESSMENT:
        return redirect(referral)
    if request.method == "GET":
        audit.log_access(request, referral)
    form = forms.AssessmentStartForm(request.POST or None, holders=services.case_holders())
    response = _submit(
        request,
        form,
        lambda data: services.assessment_start(
            referral=referral, assessment_type=data["assessment_type"], author=data["author"], actor=request.user
        ),
        referral.get_absolute_url(),
        "Detailed assessment started",
    )
    return response or render(request, "cate/assessment_start.html", {"form": form, "referral": referral})


def _assessment_of(referral) -> DetailedAssessment:
    assessment = getattr(referral, "assessment", None)
    if assessment is None:
        raise Http404
    return assessment


def assessment_edit(request, pk: int):
    referral = selectors.referral_get_for_user(request.user, pk)
    assessment = _assessment_of(referral)
    if not services._can_edit_assessment(request.user, assessment):
        raise PermissionDenied
    in_progress = referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS
    if not in_progress and request.method != "POST":
        return redirect(referral)
    if request.method == "GET":
        audit.log_access(request, referral)
    initial = {
        "version": assessment.version,
        "assessment_type": assessment.assessment_type,
        "author": assessment.author_id,
        "cse_is_factor": forms.yes_no_initial(assessment.cse_is_factor) or "",
        "summary": assessment.summary,
    }
    form = forms.AssessmentForm(request.POST or None, initial=initial, holders=services.case_holders())
    if not request.user.has_perm(ASSIGN_ASSESSMENT):
        form.fields["author"].disabled = True
    if not in_progress:
        if refuse_if_stale(form, assessment):
            return render(request, "cate/assessment_edit.html", {"form": form, "referral": referral})
        return redirect(referral)
    response = _submit(
        request,
        form,
        lambda data: services.assessment_update(
            assessment=assessment,
            assessment_type=data["assessment_type"],
            author=data["author"],
            cse_is_factor=data["cse_is_factor"],
            summary=data["summary"],
            actor=request.user,
            expected_version=data.get("version"),
        ),
        referral.get_absolute_url(),
        "Assessment saved",
    )
    return response or render(request, "cate/assessment_edit.html", {"form": form, "referral": referral})


def assessment_outcome(request, pk: int):
    referral = selectors.referral_get_for_user(request.user, pk)
    assessment = _assessment_of(referral)
    if not request.user.has_perm(OPEN_CASE):
        raise PermissionDenied
    in_progress = referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS
    if not in_progress and request.method != "POST":
        return redirect(referral)
    if request.method == "GET":
        audit.log_access(request, referral)
    initial = {
        "version": assessment.version,
        "cse_is_factor": forms.yes_no_initial(assessment.cse_is_factor),
        "summary": assessment.summary,
        "completed_on": timezone.localdate(),
    }
    form = forms.AssessmentOutcomeForm(request.POST or None, initial=initial)
    if not in_progress:
        if refuse_if_stale(form, assessment):
            return render(request, "cate/assessment_outcome.html", {"form": form, "referral": referral})
        return redirect(referral)

    def record(data):
        opening = services.CaseOpening(**form.exploitation(), classification=data["classification"])
        _, case = services.assessment_record_outcome(
            assessment=assessment,
            outcome=data["outcome"],
            cse_is_factor=data["cse_is_factor"],
            completed_at=forms.date_as_moment(data["completed_on"]),
            summary=data["summary"],
            opening=opening,
            actor=request.user,
            expected_version=data.get("version"),
        )
        return case

    response = _submit(
        request,
        form,
        record,
        lambda case: case.get_absolute_url() if case else referral.get_absolute_url(),
        "Outcome recorded",
    )
    return response or render(request, "cate/assessment_outcome.html", {"form": form, "referral": referral})


# --- Cases ---------------------------------------------------------------------------------


@require_GET
@role_required(*LANDING_ROLES)
def case_list(request):
    view = request.GET.get("view", "open")
    if view not in selectors.CASE_LIST_VIEWS:
        view = "open"
    now, settings = timezone.now(), service_settings()
    page = _paginate(request, selectors.case_list_for_user(request.user, view))
    rows = []
    for case in page.object_list:  # the due state of an unallocated case's allocation
        state = None
        if case.allocated_worker_id is None and case.status != CaseStatus.CLOSED and case.allocation_due_at:
            state = settings.classify("allocation", case.allocation_due_at, now=now)
        rows.append((case, state))
    tabs = [(key, label) for key, (label, _) in selectors.CASE_LIST_VIEWS.items()]
    return render(
        request,
        "cate/case_list.html",
        {"page": page, "rows": rows, "view": view, "tabs": tabs, "query": f"view={view}"},
    )


@dataclass(frozen=True)
class CasePermissions:
    can_work: bool
    can_allocate: bool
    can_close: bool
    can_classify: bool


def case_permissions(user, case: Case) -> CasePermissions:
    can_work = services.user_can_work_on_case(user, case)
    return CasePermissions(
        can_work=can_work,
        can_allocate=user.has_perm(ALLOCATE_CASE),
        can_close=can_work and user.has_perm(CLOSE_CASE),
        can_classify=user.has_perm(VIEW_ALL_CASES),
    )


def case_view(*, log: bool = True, live: bool = False, allow: Callable | None = None):
    """A page of one case: the case the user may see (404 otherwise), their permissions on it,
    and, for pages that change it, a refusal (403) when they may not work on it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, pk: int, *args, **kwargs):
            case = selectors.case_get_for_user(request.user, pk)
            perms = case_permissions(request.user, case)
            if allow is not None and not allow(perms):
                raise PermissionDenied
            if live and case.status == CaseStatus.CLOSED:
                if request.method != "POST":
                    messages.info(request, "This case is closed. Reopen it before recording anything more.")
                    return redirect(case)
                # Closed after the form was opened: the form refuses the save and keeps the typing.
                request.case_closed = True
            if log and request.method == "GET":  # every page of a case shows it: each GET is logged
                audit.log_access(request, case)
            return view(request, case, perms, *args, **kwargs)

        return wrapped

    return decorator


def _works(perms: CasePermissions) -> bool:
    return perms.can_work


def _case_form(request, case, perms, template: str, form, **context):
    return render(request, template, {"case": case, "perms": perms, "form": form, **context})


@require_GET
@case_view()
def case_detail(request, case, perms):
    settings = service_settings()
    page = selectors.case_page(case, now=timezone.now(), settings=settings)
    frequency = visit_frequency(case.current_risk_level, settings) if case.is_live else None
    statutory_open = any(e.end is None for e in page.statutory_episodes)
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
        },
    )


@case_view(live=True, allow=_works)
def case_edit(request, case, perms):
    initial = {
        "version": case.version,
        "open_to": case.open_to,
        "exploitation_types": forms.exploitation_initial(case),
        "classification": case.classification,
    }
    form = forms.CaseDetailsForm(request.POST or None, initial=initial, can_classify=perms.can_classify)
    response = _submit(
        request,
        form,
        lambda data: services.case_update(
            case=case,
            open_to=data["open_to"],
            classification=data["classification"],
            reason=data["reason"],
            actor=request.user,
            expected_version=data.get("version"),
            **form.exploitation(),
        ),
        case.get_absolute_url(),
        "Case details saved",
    )
    return response or _case_form(request, case, perms, "cate/case_edit.html", form)


@case_view(live=True, allow=lambda perms: perms.can_allocate)
def case_allocate(request, case, perms):
    holders = services.case_holders().order_by("first_name", "last_name", "username")
    counts = selectors.caseload_counts(holders.values_list("pk", flat=True))
    limit = service_settings()["caseload_limit"]
    form = forms.AllocationForm(
        request.POST or None,
        initial={"version": case.version, "worker": case.allocated_worker_id},
        holders=holders,
        counts=counts,
        limit=limit,
    )
    response = _submit(
        request,
        form,
        lambda data: services.case_allocate(
            case=case,
            worker=data["worker"],
            reason=data["reason"],
            over_limit_reason=data["over_limit_reason"],
            actor=request.user,
            expected_version=data.get("version"),
        ),
        case.get_absolute_url(),
        "Case allocated",
    )
    return response or _case_form(request, case, perms, "cate/case_allocate.html", form, limit=limit)


@require_GET
@case_view()
def chronology(request, case, perms):
    significant = request.GET.get("significant") == "1"
    page = _paginate(request, selectors.chronology_of(case, significant_only=significant))
    return render(
        request,
        "cate/chronology_list.html",
        {
            "case": case,
            "perms": perms,
            "page": page,
            "significant": significant,
            "query": "significant=1" if significant else "",
        },
    )


@case_view(live=True, allow=_works)
def significant_event_add(request, case, perms):
    form = forms.SignificantEventForm(request.POST or None)
    response = _submit(
        request,
        form,
        lambda data: services.chronology_add_significant_event(case=case, actor=request.user, **data),
        reverse("cate:chronology", args=[case.pk]),
        "Significant event added to the chronology",
    )
    return response or _case_form(request, case, perms, "cate/significant_event_form.html", form)


@case_view(live=True, allow=_works)
def statutory_episode_add(request, case, perms):
    form = forms.StatutoryEpisodeForm(request.POST or None)
    response = _submit(
        request,
        form,
        lambda data: services.statutory_episode_add(case=case, actor=request.user, **data),
        case.get_absolute_url() + "#statutory",
        "Statutory episode recorded",
    )
    return response or _case_form(request, case, perms, "cate/statutory_episode_form.html", form)


@case_view(live=True, allow=_works)
def statutory_episode_edit(request, case, perms, item: int):
    episode = get_object_or_404(StatutoryEpisode, pk=item, child_id=case.child_id)
    form = forms.StatutoryEpisodeEditForm(
        request.POST or None, initial={"version": episode.version, "start": episode.start, "end": episode.end}
    )
    response = _submit(
        request,
        form,
        lambda data: services.statutory_episode_update(
            episode=episode,
            case=case,
            start=data["start"],
            end=data["end"],
            actor=request.user,
            expected_version=data.get("version"),
        ),
        case.get_absolute_url() + "#statutory",
        "Statutory episode saved",
    )
    return response or _case_form(request, case, perms, "cate/statutory_episode_form.html", form, episode=episode)


@require_GET
@case_view()
def visit_list(request, case, perms):
    return render(
        request,
        "cate/visit_list.html",
        {"case": case, "perms": perms, "page": _paginate(request, selectors.visits_of(case))},
    )


def _visit_values(data) -> dict:
    return {key: data[key] for key in ("visited_at", "kind", "location", "seen_alone", "notes")}


@case_view(live=True, allow=_works)
def visit_add(request, case, perms):
    form = forms.VisitForm(request.POST or None)
    response = _submit(
        request,
        form,
        lambda data: services.visit_record(case=case, actor=request.user, **_visit_values(data)),
        case.get_absolute_url() + "#visits",
        "Visit recorded",
    )
    return response or _case_form(request, case, perms, "cate/visit_form.html", form)


@case_view(live=True, allow=_works)
def visit_edit(request, case, perms, item: int):
    visit = get_object_or_404(case.visits, pk=item)
    initial = {
        "version": visit.version,
        "visited_at": visit.visited_at,
        "kind": visit.kind,
        "location": visit.location,
        "seen_alone": forms.yes_no_initial(visit.seen_alone) or "",
        "notes": visit.notes,
    }
    form = forms.VisitForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda data: services.visit_update(
            visit=visit, actor=request.user, expected_version=data.get("version"), **_visit_values(data)
        ),
        reverse("cate:visit_list", args=[case.pk]),
        "Visit saved",
    )
    return response or _case_form(request, case, perms, "cate/visit_form.html", form, visit=visit)


def _assessment_values(form) -> dict:
    data = form.cleaned_data
    return {
        "assessed_at": data["assessed_at"],
        "factors": form.factors(),
        "overall_level": data["overall_level"],
        "summary": data["summary"],
        "young_person_views": data["young_person_views"],
        "family_views": data["family_views"],
    }


@case_view(live=True, allow=_works)
def risk_assessment_add(request, case, perms):
    initial = {}
    latest = case.risk_assessments.order_by("-assessed_at", "-id").first()
    if latest is not None:  # a review starts from the last assessment
        initial = forms.RiskAssessmentForm.initial_from(latest)
        initial.pop("version")
    initial["assessed_at"] = None
    form = forms.RiskAssessmentForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda data: services.risk_assessment_record(case=case, actor=request.user, **_assessment_values(form)),
        lambda assessment: reverse("cate:risk_assessment_detail", args=[case.pk, assessment.pk]),
        "Risk assessment recorded",
    )
    return response or _case_form(request, case, perms, "cate/risk_assessment_form.html", form, reviewing_from=latest)


@require_GET
@case_view()
def risk_assessment_detail(request, case, perms, item: int):
    assessment = get_object_or_404(case.risk_assessments.select_related("author"), pk=item)
    factors = [(factor, assessment.factors.get(factor.value, {})) for factor in ExploitationFactor]
    return render(
        request,
        "cate/risk_assessment_detail.html",
        {
            "case": case,
            "perms": perms,
            "assessment": assessment,
            "factors": factors,
            "revisions": selectors.risk_assessment_revisions(assessment),
            "factor_levels": dict(FactorLevel.choices),
        },
    )


@case_view(live=True, allow=_works)
def risk_assessment_revise(request, case, perms, item: int):
    assessment = get_object_or_404(case.risk_assessments, pk=item)
    form = forms.RiskAssessmentForm(
        request.POST or None, initial=forms.RiskAssessmentForm.initial_from(assessment), revising=True
    )
    response = _submit(
        request,
        form,
        lambda data: services.risk_assessment_revise(
            assessment=assessment,
            reason=data["reason"],
            actor=request.user,
            expected_version=data.get("version"),
            **_assessment_values(form),
        ),
        reverse("cate:risk_assessment_detail", args=[case.pk, assessment.pk]),
        "Risk assessment revised",
    )
    return response or _case_form(request, case, perms, "cate/risk_assessment_form.html", form, assessment=assessment)


@require_GET
@case_view()
def missing_episode_list(request, case, perms):
    page = _paginate(request, selectors.missing_episodes_of(case))
    rows = selectors.episode_rows(page.object_list, now=timezone.now(), settings=service_settings())
    return render(request, "cate/missing_episode_list.html", {"case": case, "perms": perms, "page": page, "rows": rows})


def _episode_values(data) -> dict:
    keys = (
        "missing_from",
        "returned_at",
        "reported_by",
        "police_reference",
        "where_found",
        "rhi_eligible",
        "rhi_ineligible_reason",
    )
    return {key: data[key] for key in keys}


@case_view(live=True, allow=_works)
def missing_episode_add(request, case, perms):
    form = forms.MissingEpisodeForm(request.POST or None, initial={"rhi_eligible": "yes"})
    response = _submit(
        request,
        form,
        lambda data: services.missing_episode_record(case=case, actor=request.user, **_episode_values(data)),
        lambda episode: reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        "Missing episode recorded",
    )
    return response or _case_form(request, case, perms, "cate/missing_episode_form.html", form)


@require_GET
@case_view()
def missing_episode_detail(request, case, perms, item: int):
    episode = get_object_or_404(selectors.missing_episodes_of(case).select_related("recorded_by"), pk=item)
    row = selectors.episode_rows([episode], now=timezone.now(), settings=service_settings())[0]
    return render(request, "cate/missing_episode_detail.html", {"case": case, "perms": perms, "row": row})


@case_view(live=True, allow=_works)
def missing_episode_edit(request, case, perms, item: int):
    episode = get_object_or_404(case.missing_episodes, pk=item)
    initial = {
        "version": episode.version,
        "missing_from": episode.missing_from,
        "returned_at": episode.returned_at,
        "reported_by": episode.reported_by,
        "police_reference": episode.police_reference,
        "where_found": episode.where_found,
        "rhi_eligible": forms.yes_no_initial(episode.rhi_eligible),
        "rhi_ineligible_reason": episode.rhi_ineligible_reason,
    }
    form = forms.MissingEpisodeForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda data: services.missing_episode_update(
            episode=episode, actor=request.user, expected_version=data.get("version"), **_episode_values(data)
        ),
        reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        "Missing episode saved",
    )
    return response or _case_form(request, case, perms, "cate/missing_episode_form.html", form, episode=episode)


@case_view(live=True, allow=_works)
def rhi_edit(request, case, perms, item: int):
    episode = get_object_or_404(case.missing_episodes.select_related("interview"), pk=item)
    interview = getattr(episode, "interview", None)
    initial = {"version": 0}  # not yet recorded: a save finding one recorded since is refused
    if interview is not None:
        initial = {
            "version": interview.version,
            "status": interview.status,
            "offered_at": interview.offered_at,
            "completed_at": interview.completed_at,
            "declined_at": interview.declined_at,
            "conducted_by": interview.conducted_by_id,
            "conducted_by_other": interview.conducted_by_other,
            "child_said": interview.child_said,
            "support_identified": interview.support_identified,
            "late_reason": interview.late_reason,
            "late_reason_detail": interview.late_reason_detail,
        }
    staff = services.case_holders().order_by("first_name", "last_name", "username")
    form = forms.ReturnHomeInterviewForm(request.POST or None, initial=initial, staff=staff)
    response = _submit(
        request,
        form,
        lambda data: services.rhi_record(
            episode=episode, actor=request.user, expected_version=data.pop("version", None), **data
        ),
        reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]),
        "Return home interview saved",
    )
    row = selectors.episode_rows([episode], now=timezone.now(), settings=service_settings())[0]
    return response or _case_form(request, case, perms, "cate/rhi_form.html", form, row=row)


@case_view(live=True, allow=_works)
def nrm_edit(request, case, perms, item: int):
    nrm = get_object_or_404(case.nrm_referrals, pk=item)
    initial = {
        "version": nrm.version,
        "referred_on": nrm.referred_on,
        "reasonable_grounds": nrm.reasonable_grounds,
        "reasonable_grounds_on": nrm.reasonable_grounds_on,
        "conclusive_grounds": nrm.conclusive_grounds,
        "conclusive_grounds_on": nrm.conclusive_grounds_on,
    }
    form = forms.NrmReferralForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda data: services.nrm_referral_update(
            referral=nrm, actor=request.user, expected_version=data.pop("version", None), **data
        ),
        case.get_absolute_url() + "#nrm",
        "NRM referral saved",
    )
    state = service_settings().classify(
        "nrm_referral", nrm.due_at, now=timezone.now(), met_at=selectors.date_met(nrm.referred_on)
    )
    return response or _case_form(request, case, perms, "cate/nrm_form.html", form, nrm=nrm, state=state)


def _letter(case, item):
    return get_object_or_404(case.gp_letters.select_related("generated_by", "sent_by"), pk=item)


@require_GET
@case_view(log=False, allow=_works)  # logged below as printed / exported
def gp_letter_detail(request, case, perms, item: int):
    letter = _letter(case, item)
    audit.log_access(request, case, action=AccessAction.PRINT)
    state = service_settings().classify(
        "gp_letter", letter.due_at, now=timezone.now(), met_at=selectors.date_met(letter.sent_on)
    )
    form = forms.GpLetterSentForm(initial={"version": letter.version, "sent_on": timezone.localdate()})
    return render(
        request,
        "cate/gp_letter_detail.html",
        {"case": case, "perms": perms, "letter": letter, "state": state, "form": form},
    )


@require_GET
@case_view(log=False, allow=_works)  # logged below as printed / exported
def gp_letter_pdf(request, case, perms, item: int):
    letter = _letter(case, item)
    audit.log_access(request, case, action=AccessAction.EXPORT)
    content = render_pdf("cate/gp_letter_pdf.html", {"case": case, "letter": letter}, request=request)
    return pdf_response(content, f"gp-letter-{case.reference}-{letter.pk}.pdf")


@case_view(live=True, allow=_works)
def gp_letter_sent(request, case, perms, item: int):
    letter = _letter(case, item)
    form = forms.GpLetterSentForm(request.POST or None, initial={"version": letter.version})
    response = _submit(
        request,
        form,
        lambda data: services.gp_letter_mark_sent(
            letter=letter, sent_on=data["sent_on"], actor=request.user, expected_version=data.get("version")
        ),
        case.get_absolute_url() + "#gp-letters",
        "GP letter recorded as sent",
    )
    if response:
        return response
    if request.method == "GET":
        return redirect("cate:gp_letter_detail", case.pk, letter.pk)
    state = service_settings().classify(
        "gp_letter", letter.due_at, now=timezone.now(), met_at=selectors.date_met(letter.sent_on)
    )
    return render(
        request,
        "cate/gp_letter_detail.html",
        {"case": case, "perms": perms, "letter": letter, "state": state, "form": form},
    )


def _support_values(data) -> dict:
    keys = ("service_other", "referred_on", "status", "first_appointment_on", "outcome", "follow_up_on")
    return {key: data[key] for key in keys}


@case_view(live=True, allow=_works)
def support_referral_add(request, case, perms):
    service = request.GET.get("service", "")
    initial = {"referred_on": timezone.localdate(), "service": service if service in SupportService.values else ""}
    form = forms.SupportReferralForm(request.POST or None, initial=initial)
    response = _submit(
        request,
        form,
        lambda data: services.support_referral_create(
            case=case, service=data["service"], actor=request.user, **_support_values(data)
        ),
        case.get_absolute_url() + "#support",
        "Support referral recorded",
    )
    return response or _case_form(request, case, perms, "cate/support_referral_form.html", form)


@case_view(live=True, allow=_works)
def support_referral_edit(request, case, perms, item: int):
    referral = get_object_or_404(case.support_referrals, pk=item)
    initial = {
        "version": referral.version,
        "service": referral.service,
        "service_other": referral.service_other,
        "referred_on": referral.referred_on,
        "status": referral.status,
        "first_appointment_on": referral.first_appointment_on,
        "outcome": referral.outcome,
        "follow_up_on": referral.follow_up_on,
    }
    form = forms.SupportReferralForm(request.POST or None, initial=initial, editing=True)
    response = _submit(
        request,
        form,
        lambda data: services.support_referral_update(
            referral=referral, actor=request.user, expected_version=data.get("version"), **_support_values(data)
        ),
        case.get_absolute_url() + "#support",
        "Support referral saved",
    )
    return response or _case_form(request, case, perms, "cate/support_referral_form.html", form, referral=referral)


@case_view(live=True, allow=_works)
def disclosure_add(request, case, perms):
    form = forms.DisclosureForm(request.POST or None, initial={"made_to_worker": "yes"})
    response = _submit(
        request,
        form,
        lambda data: services.disclosure_record(case=case, actor=request.user, **data),
        reverse("cate:support_referral_add", args=[case.pk]) + "?service=isva",
        "Disclosure recorded. Now refer the young person to the ISVA service",
    )
    return response or _case_form(request, case, perms, "cate/disclosure_form.html", form)


@case_view(live=True, allow=_works)
def transition_meeting_add(request, case, perms):
    form = forms.TransitionMeetingForm(request.POST or None)
    response = _submit(
        request,
        form,
        lambda data: services.transition_meeting_record(case=case, actor=request.user, **data),
        case.get_absolute_url() + "#transition",
        "Post-17 transition meeting recorded",
    )
    return response or _case_form(request, case, perms, "cate/transition_meeting_form.html", form)


@case_view(allow=_works)
def closure_propose(request, case, perms):
    form = forms.ClosureProposeForm(request.POST or None, initial={"version": case.version})
    if case.status != CaseStatus.OPEN:
        if refuse_if_stale(form, case):
            return _case_form(request, case, perms, "cate/closure_propose.html", form)
        messages.info(request, "Only an open case can be proposed for closure.")
        return redirect(case)
    response = _submit(
        request,
        form,
        lambda data: services.case_closure_propose(
            case=case, actor=request.user, expected_version=data.pop("version", None), **data
        ),
        case.get_absolute_url(),
        "Closure proposed: a team leader will approve or return it",
    )
    return response or _case_form(request, case, perms, "cate/closure_propose.html", form)


@case_view(allow=lambda perms: perms.can_close)
def closure_decide(request, case, perms):
    closure = case.closures.filter(status="proposed").select_related("proposed_by").first()
    form = forms.ClosureDecisionForm(request.POST or None, initial={"version": case.version})
    if closure is None:
        if refuse_if_stale(form, case):
            last = case.closures.select_related("proposed_by").order_by("-id").first()
            return _case_form(request, case, perms, "cate/closure_decide.html", form, closure=last)
        messages.info(request, "No closure of this case is waiting for a decision.")
        return redirect(case)

    def decide(data):
        if data["decision"] == "approve":
            return services.case_closure_approve(
                case=case, note=data["note"], actor=request.user, expected_version=data.get("version")
            )
        return services.case_closure_return(
            case=case, note=data["note"], actor=request.user, expected_version=data.get("version")
        )

    decision = request.POST.get("decision")
    response = _submit(
        request,
        form,
        decide,
        case.get_absolute_url(),
        "Case closed" if decision == "approve" else "Closure returned to the worker",
    )
    return response or _case_form(request, case, perms, "cate/closure_decide.html", form, closure=closure)


@case_view(allow=lambda perms: perms.can_close)
def case_reopen(request, case, perms):
    form = forms.ReopenForm(request.POST or None, initial={"version": case.version})
    if case.status != CaseStatus.CLOSED:
        if refuse_if_stale(form, case):
            return _case_form(request, case, perms, "cate/case_reopen.html", form)
        messages.info(request, "Only a closed case can be reopened.")
        return redirect(case)
    response = _submit(
        request,
        form,
        lambda data: services.case_reopen(
            case=case, reason=data["reason"], actor=request.user, expected_version=data.get("version")
        ),
        case.get_absolute_url(),
        "Case reopened: allocate it to a worker",
    )
    return response or _case_form(request, case, perms, "cate/case_reopen.html", form)

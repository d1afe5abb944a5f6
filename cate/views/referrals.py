"""The referral queue and the detailed assessment of a referral."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.forms import refuse_if_stale
from core.pages import log, paginate, record_view, require_perm, submit
from core.selectors import service_settings

from .. import forms, selectors, services
from ..choices import ReferralStatus
from ..models import DetailedAssessment
from ..permissions import VIEW_REFERRAL, ReferralPermissions, referral_permissions


def referral_view(*, allow=None):
    """A page of one referral: the referral the user may see (404 otherwise) and their permissions
    on it. Logged by the page itself (a page that only redirects shows nothing)."""
    return record_view(get=selectors.referral_get_for_user, permissions=referral_permissions, allow=allow, log=False)


def _referral_page(request, template: str, referral, **context):
    """A page of the referral, with what the front door knew of it (the contact, its threshold
    assessment, the decision and the agencies' answers the reader may see)."""
    now, settings = timezone.now(), service_settings()
    front_door = selectors.front_door_of(referral, request.user, now=now, settings=settings)
    return render(request, template, {"referral": referral, "front_door": front_door, **context})


def _assessment_of(referral) -> DetailedAssessment:
    assessment = getattr(referral, "assessment", None)
    if assessment is None:
        raise Http404
    return assessment


@require_GET
def referral_list(request):
    require_perm(request, VIEW_REFERRAL)
    completed = request.GET.get("view") == "completed"
    status = "" if completed else request.GET.get("status", "")
    if status not in (ReferralStatus.AWAITING_ASSESSMENT, ReferralStatus.ASSESSMENT_IN_PROGRESS):
        status = ""
    now, settings = timezone.now(), service_settings()
    page = paginate(request, selectors.referral_queue(request.user, completed=completed, status=status))
    rows = [(r, selectors.referral_due_state(r, now=now, settings=settings)) for r in page.object_list]
    query = "view=completed" if completed else (f"status={status}" if status else "")
    return render(
        request,
        "cate/referral_list.html",
        {"page": page, "rows": rows, "completed": completed, "status": status, "query": query},
    )


@require_GET
@referral_view()
def referral_detail(request, referral, perms: ReferralPermissions):
    log(request, referral)
    assessment = getattr(referral, "assessment", None)
    return _referral_page(
        request,
        "cate/referral_detail.html",
        referral,
        assessment=assessment,
        last_change=audit.last_change(assessment) if assessment is not None and perms.in_progress else None,
        state=selectors.referral_due_state(referral, now=timezone.now(), settings=service_settings()),
        case=getattr(referral, "case", None),
        perms=perms,
    )


@referral_view(allow=lambda perms: perms.can_assign)
def assessment_start(request, referral, perms: ReferralPermissions):
    if not perms.awaiting:
        return redirect(referral)
    if request.method == "GET":
        log(request, referral)
    form = forms.AssessmentStartForm(request.POST or None, holders=selectors.case_holder_choices())
    response = submit(
        request,
        form,
        services.assessment_start,
        referral=referral,
        success=referral.get_absolute_url(),
        message="Detailed assessment started",
    )
    return response or render(request, "cate/assessment_start.html", {"form": form, "referral": referral})


@referral_view()
def assessment_edit(request, referral, perms: ReferralPermissions):
    assessment = _assessment_of(referral)
    if not perms.can_edit_assessment:
        raise PermissionDenied
    if not perms.in_progress and request.method != "POST":
        return redirect(referral)
    if request.method == "GET":
        log(request, referral)
    initial = {
        "version": assessment.version,
        "assessment_type": assessment.assessment_type,
        "author": assessment.author_id,
        "cse_is_factor": forms.yes_no_initial(assessment.cse_is_factor) or "",
        "summary": assessment.summary,
    }
    form = forms.AssessmentForm(request.POST or None, initial=initial, holders=selectors.case_holder_choices())
    if not perms.can_assign:
        form.fields["author"].disabled = True
    if not perms.in_progress:
        if refuse_if_stale(form, assessment):
            return _referral_page(request, "cate/assessment_edit.html", referral, form=form)
        return redirect(referral)
    response = submit(
        request,
        form,
        services.assessment_update,
        assessment=assessment,
        success=referral.get_absolute_url(),
        message="Draft of the assessment saved",
    )
    return response or _referral_page(
        request, "cate/assessment_edit.html", referral, form=form, last_change=audit.last_change(assessment)
    )


@referral_view()
def assessment_outcome(request, referral, perms: ReferralPermissions):
    assessment = _assessment_of(referral)
    if not perms.can_record_outcome:
        raise PermissionDenied
    if not perms.in_progress and request.method != "POST":
        return redirect(referral)
    if request.method == "GET":
        log(request, referral)
    initial = {
        "version": assessment.version,
        "cse_is_factor": forms.yes_no_initial(assessment.cse_is_factor),
        "summary": assessment.summary,
        "completed_on": timezone.localdate(),
    }
    form = forms.AssessmentOutcomeForm(request.POST or None, initial=initial, assessment=assessment)
    if not perms.in_progress:
        if refuse_if_stale(form, assessment):
            return _referral_page(request, "cate/assessment_outcome.html", referral, form=form)
        return redirect(referral)
    response = submit(
        request,
        form,
        services.assessment_record_outcome,
        assessment=assessment,
        args=lambda data: {
            "outcome": data["outcome"],
            "cse_is_factor": data["cse_is_factor"],
            "completed_at": forms.date_as_moment(data["completed_on"]),
            "summary": data["summary"],
            "opening": services.CaseOpening(**form.exploitation(), classification=data["classification"]),
        },
        success=lambda result: result[1].get_absolute_url() if result[1] else referral.get_absolute_url(),
        message="Outcome recorded",
    )
    return response or _referral_page(request, "cate/assessment_outcome.html", referral, form=form)

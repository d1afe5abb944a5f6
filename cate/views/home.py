"""The landing page, caseloads and the list of cases."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pages import paginate, query_without_page, require_perm
from core.permissions import role_required
from core.selectors import service_settings

from .. import forms, selectors
from ..choices import CaseStatus
from ..permissions import ALLOCATE_CASE, LANDING_ROLES, VIEW_ALL_CASES
from ..rules import nrm_awaiting as nrm_awaiting_rule


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
    context["nrm_awaiting_count"] = selectors.nrm_awaiting_decision_for_user(user).count()
    if context["is_manager"]:
        context.update(selectors.manager_summary(user, now=now))
    return render(request, "cate/index.html", context)


def _caseload_page(request, worker, *, title: str, template: str = "cate/caseload_detail.html"):
    now, settings = timezone.now(), service_settings()
    rows = selectors.caseload_rows(selectors.caseload_of(request.user, worker), now=now, settings=settings)
    limit = settings["caseload_limit"]
    return render(
        request,
        template,
        {"page": paginate(request, rows), "worker": worker, "title": title, "limit": limit, "count": len(rows)},
    )


@require_GET
@role_required(*LANDING_ROLES)
def my_caseload(request):
    return _caseload_page(request, request.user, title="My caseload")


@require_GET
def caseload_list(request):
    require_perm(request, ALLOCATE_CASE)
    limit = service_settings()["caseload_limit"]
    past_limit = request.GET.get("over") == "limit"  # only those holding more than the limit
    rows = selectors.case_holders_with_caseloads(past_limit=limit if past_limit else None)
    return render(
        request,
        "cate/caseload_list.html",
        {
            "page": paginate(request, rows),
            "limit": limit,
            "past_limit": past_limit,
            "query": "over=limit" if past_limit else "",
        },
    )


@require_GET
def caseload_detail(request, user_pk: int):
    require_perm(request, ALLOCATE_CASE)
    worker = selectors.case_holder_get(user_pk)
    return _caseload_page(request, worker, title=f"Caseload of {worker}")


def case_list_form(request) -> forms.CaseListFilterForm:
    return forms.CaseListFilterForm(
        request.GET or None,
        views=[(key, label) for key, (label, _) in selectors.CASE_LIST_VIEWS.items()],
        dues=[(key, label) for key, (label, _) in selectors.CASE_DUE_FILTERS.items()],
        workers=selectors.case_holders_by_name(),
    )


@require_GET
@role_required(*LANDING_ROLES)
def case_list(request):
    """Cases the user may see: by status, searched by the young person's name, the case reference or
    the worker, and filtered by worker, team, risk level and what is overdue."""
    form = case_list_form(request)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "open"
    filters = selectors.CaseFilters(
        text=data.get("text", ""),
        worker_id=data["worker"].pk if data.get("worker") else None,
        team_id=data["team"].pk if data.get("team") else None,
        risk=data.get("risk", ""),
        due=data.get("due", ""),
    )
    now, settings = timezone.now(), service_settings()
    page = paginate(request, selectors.case_list_for_user(request.user, view, filters=filters, now=now))
    rows = []
    for case in page.object_list:  # the due state of an unallocated case's allocation
        state = None
        if case.allocated_worker_id is None and case.status != CaseStatus.CLOSED and case.allocation_due_at:
            state = settings.classify("allocation", case.allocation_due_at, now=now)
        rows.append((case, state))
    return render(
        request,
        "cate/case_list.html",
        {"form": form, "page": page, "rows": rows, "view": view, "query": query_without_page(request)},
    )


@require_GET
@role_required(*LANDING_ROLES)
def nrm_awaiting(request):
    """NRM referrals made and awaiting a decision, on open and closed cases alike."""
    user = request.user
    page = paginate(request, selectors.nrm_awaiting_decision_for_user(user))
    sees_all = user.has_perm(VIEW_ALL_CASES)
    rows = [
        (
            nrm,
            nrm_awaiting_rule(
                referred_on=nrm.referred_on,
                reasonable_grounds=nrm.reasonable_grounds,
                conclusive_grounds=nrm.conclusive_grounds,
            ),
            # Who works on the case records the decision: a manager, or the worker it is allocated to.
            sees_all or nrm.case.allocated_worker_id == user.pk,
        )
        for nrm in page.object_list
    ]
    return render(request, "cate/nrm_awaiting_list.html", {"page": page, "rows": rows})

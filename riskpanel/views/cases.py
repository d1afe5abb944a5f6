"""Cases in the multi-agency work: the list with their last panel decision, and one case's panels,
strategy meetings, safety plans, actions and what falls due."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cate.selectors import case_get_for_user
from core.pages import paginate, record_view
from core.permissions import role_required
from core.selectors import service_settings

from .. import selectors
from ..choices import SafetyPlanStatus
from ..permissions import CASEWORK_ROLES, case_page_permissions

CASE = ("case_pk",)


@require_GET
@role_required(*CASEWORK_ROLES)
def case_list(request):
    today = timezone.localdate()
    review_overdue = request.GET.get("review") == "overdue"  # only the cases past their panel review
    cases = selectors.case_list_for_user(request.user, review_overdue_on=today if review_overdue else None)
    return render(
        request,
        "riskpanel/case_list.html",
        {
            "page": paginate(request, cases),
            "today": today,
            "review_overdue": review_overdue,
            "query": "review=overdue" if review_overdue else "",
        },
    )


@require_GET
@record_view(get=case_get_for_user, keys=CASE, permissions=case_page_permissions)
def case_detail(request, case, perms):
    user = request.user
    plans = list(selectors.safety_plans_for_case(user, case))
    return render(
        request,
        "riskpanel/case_detail.html",
        {
            "case": case,
            "panel_items": list(selectors.agenda_items_for_case(user, case)),
            "strategy_meetings": list(selectors.strategy_meetings_for_case(user, case)),
            "plans": plans,
            "draft": next((p for p in plans if p.status == SafetyPlanStatus.DRAFT), None),
            "actions": list(selectors.actions_for_case(user, case)),
            "due_items": selectors.case_due_items(case, now=timezone.now(), settings=service_settings()),
            "perms": perms,
            "today": timezone.localdate(),
        },
    )

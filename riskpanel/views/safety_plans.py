"""Safety plans: a new version, one version, changing and agreeing a draft, and the copy for the
young person and their family (printed or as a PDF)."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cate.selectors import case_get_for_user
from core import audit
from core.choices import AccessAction
from core.forms import for_a_new_record, refuse_if_stale
from core.pages import log, record_view, submit
from core.pdf import pdf_response, render_pdf
from core.reauth import fresh_sign_in_required
from core.selectors import service_settings

from .. import rules, selectors, services
from ..choices import SafetyPlanStatus
from ..forms import SafetyPlanAgreeForm, SafetyPlanForm
from ..permissions import case_page_permissions, safety_plan_permissions


@record_view(
    get=case_get_for_user, keys=("case_pk",), permissions=case_page_permissions, allow=attrgetter("can_write_plan")
)
def safety_plan_new(request, case, perms):
    draft = selectors.safety_plan_current(case, SafetyPlanStatus.DRAFT)
    if draft is not None:
        messages.info(request, f"Version {draft.number} is already a draft: change it here.")
        return redirect("riskpanel:safety_plan_edit", pk=draft.pk)
    agreed = selectors.safety_plan_current(case)
    initial = SafetyPlanForm.initial_from(agreed) if agreed else {}
    form = for_a_new_record(SafetyPlanForm(request.POST or None, initial=initial))
    response = submit(
        request,
        form,
        services.safety_plan_start,
        case=case,
        args=lambda data: form.sections(),
        success=lambda plan: plan.get_absolute_url(),
        message=lambda plan: f"Safety plan version {plan.number} saved as a draft.",
    )
    return response or render(
        request, "riskpanel/safety_plan_form.html", {"form": form, "case": case, "agreed": agreed}
    )


@require_GET
@record_view(get=selectors.safety_plan_get_for_user, permissions=safety_plan_permissions)
def safety_plan_detail(request, plan, perms):
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    return render(
        request,
        "riskpanel/safety_plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "perms": perms,
            "last_change": audit.last_change(plan) if is_draft else None,
            "missing": rules.safety_plan_missing(vars(plan)) if is_draft else {},
        },
    )


@record_view(
    get=selectors.safety_plan_get_for_user, permissions=safety_plan_permissions, allow=attrgetter("may_change")
)
def safety_plan_edit(request, plan, perms):
    form = SafetyPlanForm(
        request.POST or None,
        initial={**SafetyPlanForm.initial_from(plan), "version": plan.version},
        may_agree=perms.can_agree,
    )
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    if not is_draft and not refuse_if_stale(form, plan):
        messages.info(request, "An agreed safety plan does not change: start a new version instead.")
        return redirect(plan)
    response = None
    if is_draft and form.finalising:
        response = submit(
            request,
            form,
            services.safety_plan_agree,
            plan=plan,
            args=lambda data: {"sections": form.sections(), "review_due_on": data.get("review_due_on")},
            success=plan.get_absolute_url(),
            message=f"Safety plan version {plan.number} agreed.",
        )
    elif is_draft:
        response = submit(
            request,
            form,
            services.safety_plan_update,
            plan=plan,
            args=lambda data: form.sections(),
            success=plan.get_absolute_url(),
            message=f"Draft of version {plan.number} saved.",
        )
    return response or render(
        request,
        "riskpanel/safety_plan_form.html",
        {
            "form": form,
            "case": plan.case,
            "plan": plan,
            "last_change": audit.last_change(plan),
            "finalise_label": "Agree the plan" if perms.can_agree else "",
        },
    )


@record_view(get=selectors.safety_plan_get_for_user, permissions=safety_plan_permissions, allow=attrgetter("may_agree"))
def safety_plan_agree(request, plan, perms):
    form = SafetyPlanAgreeForm(request.POST or None, initial={"version": plan.version})
    response = submit(
        request,
        form,
        services.safety_plan_agree,
        plan=plan,
        success=plan.get_absolute_url(),
        message=f"Safety plan version {plan.number} agreed.",
    )
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    return response or render(
        request,
        "riskpanel/safety_plan_agree.html",
        {
            "form": form,
            "plan": plan,
            "case": plan.case,
            "perms": perms,
            "missing": rules.safety_plan_missing(vars(plan)) if is_draft else {},
            "default_review_on": rules.default_safety_plan_review_on(timezone.now(), service_settings()),
        },
    )


def _family_context(plan) -> dict:
    return {"plan": plan, "case": plan.case, "child": plan.case.child, "printed_on": timezone.localdate()}


@require_GET
@record_view(get=selectors.safety_plan_get_for_user, log=False)
def safety_plan_print(request, plan, _):
    log(request, plan, action=AccessAction.PRINT)
    return render(request, "riskpanel/safety_plan_print.html", _family_context(plan))


@require_GET
@record_view(get=selectors.safety_plan_get_for_user, log=False)
@fresh_sign_in_required
def safety_plan_pdf(request, plan, _):
    contents = audit.export_contents(
        "safety_plan_pdf",
        f"PDF of safety plan {plan.number} on case {plan.case.reference} (child {plan.case.child_id})",
        safety_plan=plan.pk,
        version=plan.number,
        case=plan.case_id,
        children=[plan.case.child_id],
    )
    log(request, plan, action=AccessAction.EXPORT, contents=contents)
    content = render_pdf("riskpanel/safety_plan_pdf.html", _family_context(plan), request=request)
    return pdf_response(content, f"safety-plan-{plan.case.reference}-v{plan.number}.pdf")

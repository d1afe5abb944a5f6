"""Contexts as subjects (issue 19): linking a contact to a place or peer group; a context's page
(its assessments, plans, actions, contacts, linked network and history) and its printable summary;
context assessments (draft, complete, withdraw, the children they affect); context plans (change,
actions, reviews, close).

Readers of the network read them; anyone else gets 404, as for a record that does not exist. Those
who may read but not do (a group manager, a police partner) are refused the forms (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from contacts.selectors import contact_get_for_user
from core import audit, clock, pages
from core.forms import for_a_new_record
from riskpanel.forms import ActionForm

from .. import context_forms as forms
from .. import context_rules as rules
from .. import context_selectors as selectors
from .. import services
from ..choices import ContextAssessmentStatus, ContextPlanStatus
from ..graph import SEGMENTS
from ..permissions import can_read_network, can_refer_context, context_permissions
from ..selectors import history_of, link_rows

# --- Record decorators ------------------------------------------------------------------------

_context_page = pages.record_view(get=selectors.context_get_for_user, permissions=context_permissions)
_context_assess = pages.record_view(
    get=selectors.context_get_for_user, permissions=context_permissions, allow=lambda p: p.can_assess
)
_context_plan = pages.record_view(
    get=selectors.context_get_for_user, permissions=context_permissions, allow=lambda p: p.can_plan
)


def _assessment_closed(assessment) -> str | None:
    if assessment.status == ContextAssessmentStatus.COMPLETE:
        return "This assessment is complete: it can no longer change"
    if assessment.status == ContextAssessmentStatus.WITHDRAWN:
        return "This assessment was withdrawn: it can no longer change"
    return None


def _plan_closed(plan) -> str | None:
    return None if plan.status == ContextPlanStatus.OPEN else "This plan is closed: it can no longer change"


_assessment_page = pages.record_view(get=selectors.assessment_get_for_user, permissions=context_permissions)
_assessment_form = pages.record_view(
    get=selectors.assessment_get_for_user,
    permissions=context_permissions,
    allow=lambda p: p.can_assess,
    closed=_assessment_closed,
)
_plan_page = pages.record_view(get=selectors.plan_get_for_user, permissions=context_permissions)
_plan_form = pages.record_view(
    get=selectors.plan_get_for_user, permissions=context_permissions, allow=lambda p: p.can_plan, closed=_plan_closed
)


def _referrer(user, contact) -> bool:
    return can_refer_context(user)


_contact_refer = pages.record_view(get=contact_get_for_user, permissions=_referrer, allow=bool, log=False)


# --- Linking a contact to a context -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_contact_refer
def contact_context_add(request, contact, perms):
    """Search places and peer groups by name, then choose the one the contact is about."""
    source = request.POST if request.method == "POST" else request.GET
    search = forms.ContextSearchForm({"q": source.get("q", "")})
    q = search.cleaned_data["q"] if search.is_valid() else ""
    choices = selectors.context_choices(q) if q else []
    if request.method == "POST":
        chosen = request.POST.get("context", "")
        if chosen and chosen not in dict(choices):  # a choice from an older search: still offered
            try:
                target = selectors.context_target(chosen)
            except Http404:
                target = None
            if target is not None:
                choices = [(chosen, str(target)), *choices]
    form = forms.ContextChoiceForm(request.POST if request.method == "POST" else None, choices=choices)
    response = pages.submit(
        request,
        form,
        services.context_referral_add,
        contact=contact,
        args=lambda data: {"context": selectors.context_target(data["context"])},
        success=contact.get_absolute_url(),
        message="The contact is linked to the place or group",
    )
    return response or render(
        request,
        "network/contexts/contact_context_add.html",
        {"contact": contact, "form": form, "search": search, "q": q, "searched": bool(q)},
    )


def _referral_get(user, pk):
    if not can_refer_context(user):
        raise Http404
    return selectors.referral_get_for_user(user, pk)


@require_http_methods(["GET", "POST"])
@pages.record_view(get=_referral_get, log=False)
def contact_context_remove(request, referral, perms):
    form = forms.RemovalForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.context_referral_remove,
        referral=referral,
        success=referral.contact.get_absolute_url(),
        message="The place or group is taken off the contact",
    )
    return response or render(
        request, "network/contexts/contact_context_remove.html", {"referral": referral, "form": form}
    )


# --- A context's page -------------------------------------------------------------------------


def _context_parts(request, node) -> dict:
    user = request.user
    assessments = list(selectors.assessments_of(user, node))
    plans = list(selectors.plans_of(user, node))
    actions = list(selectors.plan_actions(user, [p.pk for p in plans]))
    contacts = list(selectors.contacts_about(user, node)[:25])
    return {
        "context": node,
        "target": node.target,
        "label": selectors.context_label(node),
        "assessments": assessments,
        "plans": plans,
        "open_plan": next((p for p in plans if p.status == ContextPlanStatus.OPEN), None),
        "draft": next((a for a in assessments if a.status == ContextAssessmentStatus.DRAFT), None),
        "actions": actions,
        "contacts": contacts,
        "rows": link_rows(user, node.target),
        "map_kind": SEGMENTS[node.kind],
        "today": clock.local_date(timezone.now()),
    }


@require_GET
def context_list(request):
    """Context assessments in progress and open context plans, earliest due first."""
    if not can_read_network(request.user):
        raise Http404
    today = clock.local_date(timezone.now())
    show = request.GET.get("show", "")
    assessments = selectors.assessment_list_for_user(
        request.user, status=ContextAssessmentStatus.DRAFT, overdue_on=today if show == "overdue" else None
    )
    plans = selectors.plan_list_for_user(request.user, review_overdue_on=today if show == "overdue" else None)
    return render(
        request,
        "network/contexts/context_list.html",
        {"assessments": list(assessments[:100]), "plans": list(plans[:100]), "today": today, "show": show},
    )


@require_GET
@_context_page
def context_detail(request, node, perms):
    context = _context_parts(request, node)
    context.update({"perms": perms, "history": selectors.context_history(context["assessments"], context["plans"])})
    return render(request, "network/contexts/context_detail.html", context)


@require_GET
@_context_page
def context_print(request, node, perms):
    """The summary for the panel: the latest assessment, the open plan and its actions."""
    context = _context_parts(request, node)
    context["perms"] = perms
    latest = next((a for a in context["assessments"] if a.status == ContextAssessmentStatus.COMPLETE), None)
    context["latest"] = latest
    context["latest_domains"] = _domain_rows(latest) if latest else []
    context["latest_children"] = list(selectors.affected_children(request.user, latest)) if latest else []
    return render(request, "network/contexts/context_print.html", context)


# --- Assessments ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_context_assess
def context_assessment_open(request, node, perms):
    contact = None
    contact_pk = pages.record_id(request.POST.get("contact") or request.GET.get("contact"))
    if contact_pk:
        contact = contact_get_for_user(request.user, contact_pk)
    form = forms.AssessmentOpenForm(request.POST or None)
    if request.method == "POST" and not request.POST:  # an empty POST still opens it
        form = forms.AssessmentOpenForm({})
    response = pages.submit(
        request,
        form,
        services.context_assessment_open,
        context=node,
        contact=contact,
        success=lambda assessment: assessment.get_absolute_url() + "edit/",
        message=lambda assessment: f"{assessment.get_kind_display()} opened: due {assessment.due_on:%-d %B %Y}",
    )
    return response or render(
        request,
        "network/contexts/assessment_open.html",
        {"context": node, "label": selectors.context_label(node), "form": form, "contact": contact},
    )


def _domain_rows(assessment) -> list[tuple]:
    return [(d, (assessment.domains or {}).get(d.code, "")) for d in rules.domains_of(assessment.kind)]


@require_GET
@_assessment_page
def context_assessment_detail(request, assessment, perms):
    return render(
        request,
        "network/contexts/assessment_detail.html",
        {
            "assessment": assessment,
            "perms": perms,
            "label": selectors.context_label(assessment.node),
            "domains": _domain_rows(assessment),
            "children": list(selectors.affected_children(request.user, assessment)),
            "partners": list(assessment.partners_consulted.all()),
            "last_change": audit.last_change(assessment),
            "history": history_of(assessment),
            "today": clock.local_date(timezone.now()),
        },
    )


@require_http_methods(["GET", "POST"])
@_assessment_form
def context_assessment_edit(request, assessment, perms):
    form = forms.AssessmentForm(
        request.POST or None, kind=assessment.kind, initial=forms.AssessmentForm.initial_for(assessment)
    )
    response = pages.submit(
        request,
        form,
        services.context_assessment_save,
        assessment=assessment,
        args=form.service_args,
        success=lambda a: a.get_absolute_url(),
        message=lambda a: "Assessment completed" if a.status == ContextAssessmentStatus.COMPLETE else "Draft saved",
    )
    return response or render(
        request,
        "network/contexts/assessment_form.html",
        {
            "assessment": assessment,
            "form": form,
            "label": selectors.context_label(assessment.node),
            "last_change": audit.last_change(assessment),
        },
    )


@require_http_methods(["GET", "POST"])
@_assessment_form
def context_assessment_withdraw(request, assessment, perms):
    form = forms.WithdrawForm(request.POST or None, initial={"version": assessment.version})
    response = pages.submit(
        request,
        form,
        services.context_assessment_withdraw,
        assessment=assessment,
        success=lambda a: a.get_absolute_url(),
        message="Assessment withdrawn",
    )
    return response or render(
        request, "network/contexts/assessment_withdraw.html", {"assessment": assessment, "form": form}
    )


@require_http_methods(["GET", "POST"])
@_assessment_form
def context_assessment_child_add(request, assessment, perms):
    search = forms.ContextSearchForm({"q": request.GET.get("q") or request.POST.get("q") or ""})
    q = search.cleaned_data["q"] if search.is_valid() else ""
    found = selectors.children_to_add(request.user, q)
    form = forms.AffectedChildForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.context_assessment_child_add,
        assessment=assessment,
        args=lambda data: {"child": selectors.child_to_add(request.user, data["child"])},
        success=assessment.get_absolute_url() + "#children",
        message="Child named as affected",
    )
    return response or render(
        request,
        "network/contexts/assessment_child_add.html",
        {"assessment": assessment, "form": form, "found": found, "q": q},
    )


@require_http_methods(["GET", "POST"])
@_assessment_form
def context_assessment_child_remove(request, assessment, perms, row_pk):
    row = selectors.affected_child_get_for_user(request.user, assessment, row_pk)
    form = forms.RemovalForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.context_assessment_child_remove,
        row=row,
        success=assessment.get_absolute_url() + "#children",
        message="Child taken off the assessment",
    )
    return response or render(
        request, "network/contexts/assessment_child_remove.html", {"assessment": assessment, "row": row, "form": form}
    )


# --- Plans ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_context_plan
def context_plan_open(request, node, perms):
    assessment = None
    assessment_pk = pages.record_id(request.POST.get("assessment") or request.GET.get("assessment"))
    if assessment_pk:
        assessment = selectors.assessment_get_for_user(request.user, assessment_pk)
    form = for_a_new_record(forms.PlanForm(request.POST or None))
    response = pages.submit(
        request,
        form,
        services.context_plan_open,
        context=node,
        assessment=assessment,
        success=lambda plan: plan.get_absolute_url(),
        message="Context plan agreed",
    )
    return response or render(
        request,
        "network/contexts/plan_form.html",
        {"context": node, "label": selectors.context_label(node), "form": form, "assessment": assessment},
    )


@require_GET
@_plan_page
def context_plan_detail(request, plan, perms):
    today = clock.local_date(timezone.now())
    return render(
        request,
        "network/contexts/plan_detail.html",
        {
            "plan": plan,
            "perms": perms,
            "label": selectors.context_label(plan.node),
            "actions": list(selectors.plan_actions(request.user, [plan.pk])),
            "reviews": list(selectors.reviews_of(plan)),
            "last_change": audit.last_change(plan),
            "history": history_of(plan),
            "today": today,
            "review_overdue": plan.is_open and plan.next_review_on and plan.next_review_on < today,
        },
    )


@require_http_methods(["GET", "POST"])
@_plan_form
def context_plan_edit(request, plan, perms):
    form = forms.PlanChangeForm(
        request.POST or None, initial={"intended_change": plan.intended_change, "version": plan.version}
    )
    response = pages.submit(
        request,
        form,
        services.context_plan_update,
        plan=plan,
        success=plan.get_absolute_url(),
        message="Plan changed",
    )
    return response or render(request, "network/contexts/plan_change.html", {"plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
@_plan_form
def context_plan_action_add(request, plan, perms):
    if not perms.can_add_actions:
        raise PermissionDenied
    form = for_a_new_record(ActionForm(request.POST or None))
    response = pages.submit(
        request,
        form,
        services.context_plan_action_add,
        plan=plan,
        success=plan.get_absolute_url() + "#actions",
        message="Action added",
    )
    return response or render(request, "network/contexts/plan_action_form.html", {"plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
@_plan_form
def context_plan_review_add(request, plan, perms):
    form = forms.ReviewForm(request.POST or None, initial={"version": plan.version})
    response = pages.submit(
        request,
        form,
        services.context_plan_review_record,
        plan=plan,
        success=plan.get_absolute_url() + "#reviews",
        message="Review recorded",
    )
    return response or render(request, "network/contexts/plan_review_form.html", {"plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
@_plan_form
def context_plan_close(request, plan, perms):
    form = forms.CloseForm(request.POST or None, initial={"version": plan.version})
    response = pages.submit(
        request,
        form,
        services.context_plan_close,
        plan=plan,
        success=plan.get_absolute_url(),
        message="Plan closed",
    )
    return response or render(request, "network/contexts/plan_close.html", {"plan": plan, "form": form})


def urlpatterns_of_contexts() -> list:
    return [
        path("contexts/", context_list, name="context_list"),
        path("contexts/<int:pk>/", context_detail, name="context_detail"),
        path("contexts/<int:pk>/print/", context_print, name="context_print"),
        path("contexts/<int:pk>/assessments/open/", context_assessment_open, name="context_assessment_open"),
        path("contexts/<int:pk>/plans/open/", context_plan_open, name="context_plan_open"),
        path("context-assessments/<int:pk>/", context_assessment_detail, name="context_assessment_detail"),
        path("context-assessments/<int:pk>/edit/", context_assessment_edit, name="context_assessment_edit"),
        path("context-assessments/<int:pk>/withdraw/", context_assessment_withdraw, name="context_assessment_withdraw"),
        path(
            "context-assessments/<int:pk>/children/add/",
            context_assessment_child_add,
            name="context_assessment_child_add",
        ),
        path(
            "context-assessments/<int:pk>/affected-children/<int:row_pk>/remove/",
            context_assessment_child_remove,
            name="context_assessment_child_remove",
        ),
        path("context-plans/<int:pk>/", context_plan_detail, name="context_plan_detail"),
        path("context-plans/<int:pk>/edit/", context_plan_edit, name="context_plan_edit"),
        path("context-plans/<int:pk>/actions/add/", context_plan_action_add, name="context_plan_action_add"),
        path("context-plans/<int:pk>/reviews/add/", context_plan_review_add, name="context_plan_review_add"),
        path("context-plans/<int:pk>/close/", context_plan_close, name="context_plan_close"),
        path("contacts/<int:pk>/contexts/add/", contact_context_add, name="contact_context_add"),
        path("context-referrals/<int:pk>/remove/", contact_context_remove, name="contact_context_remove"),
    ]

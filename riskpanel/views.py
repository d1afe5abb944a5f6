"""Pages of the risk panel: selector, form, service, redirect after POST."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cate.choices import RISK_ORDER, CaseStatus
from cate.selectors import case_get_for_user, cases_visible_to
from core import clock
from core.audit import log_access
from core.choices import AccessAction
from core.due import due_items_for_cases
from core.exceptions import StaleRecord
from core.forms import add_service_errors, refuse_if_stale
from core.pdf import pdf_response, render_pdf
from core.permissions import role_required
from core.roles import Role, has_role
from core.selectors import service_settings

from . import rules, selectors, services
from .choices import AGENDA_EDITABLE, DECISIONS_ALLOWED, ActionStatus, SafetyPlanStatus
from .forms import (
    ActionCancelForm,
    ActionCompleteForm,
    ActionFilterForm,
    ActionForm,
    AgendaItemAddForm,
    AgendaItemOutcomeForm,
    AgendaItemWithdrawForm,
    PanelDecisionForm,
    PanelForm,
    PanelScheduleForm,
    SafetyPlanAgreeForm,
    SafetyPlanForm,
    StrategyMeetingForm,
)
from .models import Action, PanelMeeting
from .permissions import (
    ADD_ACTION,
    ADD_SAFETY_PLAN,
    AGREE_SAFETY_PLAN,
    CASEWORK_ROLES,
    CHAIR_PANEL,
    CHANGE_ACTION,
    CHANGE_SAFETY_PLAN,
    LANDING_ROLES,
    PANEL_ROLES,
    RECORD_STRATEGY_MEETING,
)

PAGE_SIZE = 25


def _page(request, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _log_page(request, *objs) -> None:
    """A page that shows a record (a form filled from it, a confirmation) logs the view, as the
    detail pages do; the POST that follows is in the record's history instead."""
    if request.method == "GET":
        for obj in objs:
            if obj is not None:
                log_access(request, obj)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- Landing ---------------------------------------------------------------------------------


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    user = request.user
    now = timezone.now()
    context = {
        "sees_all_panels": user.has_perm("riskpanel.view_panelmeeting"),
        "can_chair": user.has_perm(CHAIR_PANEL),
        "is_panel_member": has_role(user, Role.PANEL_MEMBER),
        "does_casework": has_role(user, *CASEWORK_ROLES),
    }
    if context["sees_all_panels"]:
        context["upcoming"] = selectors.panels_upcoming(now=now)
    elif context["is_panel_member"]:
        context["open_panels"] = list(selectors.panel_list_for_user(user)[:10])
    return render(request, "riskpanel/index.html", context)


# --- Panels ----------------------------------------------------------------------------------


@require_GET
@role_required(*PANEL_ROLES)
def panel_list(request):
    page = _page(request, selectors.panel_list_for_user(request.user))
    return render(
        request,
        "riskpanel/panel_list.html",
        {"page": page, "can_chair": request.user.has_perm(CHAIR_PANEL)},
    )


def panel_schedule(request):
    _require(request, CHAIR_PANEL)
    last = PanelMeeting.objects.order_by("-meets_at").select_related("chair").first()
    settings = service_settings()
    form = PanelScheduleForm(request.POST or None, first=last is None, initial={"count": 4})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.panel_schedule(
                actor=request.user,
                count=data["count"],
                first_meets_at=data.get("first_meets_at"),
                location=data.get("location") if last is None else None,
                chair=data.get("chair"),
                agencies=data.get("agencies") if last is None else None,
                members=data.get("members") if last is None else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            first = clock.local(created[0].meets_at)
            messages.success(
                request,
                f"{len(created)} panel{'s' if len(created) != 1 else ''} scheduled, the first on {first:%-d %B %Y}.",
            )
            return redirect("riskpanel:panel_list")
    return render(
        request,
        "riskpanel/panel_schedule.html",
        {"form": form, "last": last, "interval": settings.duration("panel_schedule_interval")},
    )


@require_GET
def panel_detail(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    can_chair = request.user.has_perm(CHAIR_PANEL)
    items = list(selectors.agenda_items_for_user(request.user, meeting, include_withdrawn=can_chair))
    log_access(request, meeting)
    now = timezone.now()
    settings = service_settings()
    for item in items:
        item.first_panel_state = (
            settings.classify(
                "first_panel",
                item.first_panel_due_at,
                now=now,
                met_at=item.decision.decided_at if hasattr(item, "decision") else None,
            )
            if item.first_panel_due_at
            else None
        )
    return render(
        request,
        "riskpanel/panel_detail.html",
        {
            "meeting": meeting,
            "items": [i for i in items if not i.is_withdrawn],
            "withdrawn": [i for i in items if i.is_withdrawn],
            "can_chair": can_chair,
            "agenda_editable": meeting.status in AGENDA_EDITABLE,
            "late_count": sum(1 for i in items if i.first_panel_deadline_missed and not i.is_withdrawn),
        },
    )


def panel_edit(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    _require(request, CHAIR_PANEL)
    initial = {
        "meets_at": meeting.meets_at,
        "location": meeting.location,
        "chair": meeting.chair_id,
        "agencies": [a.pk for a in meeting.agencies.all()],
        "members": [m.pk for m in meeting.members.all()],
        "version": meeting.version,
    }
    form = PanelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_update(
                meeting=meeting,
                actor=request.user,
                meets_at=data["meets_at"],
                location=data["location"],
                chair=data["chair"],
                agencies=data["agencies"],
                members=data["members"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Panel details saved.")
            return redirect(meeting)
    return render(request, "riskpanel/panel_edit.html", {"form": form, "meeting": meeting})


@require_POST
def panel_open(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    _require(request, CHAIR_PANEL)
    try:
        services.panel_open(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The panel is open: invited panel members can see the agenda and papers.")
    return redirect(meeting)


@require_POST
def panel_close(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    _require(request, CHAIR_PANEL)
    try:
        services.panel_close(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The panel is closed: panel members no longer see its agenda or papers.")
    return redirect(meeting)


@require_POST
def agenda_build(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    _require(request, CHAIR_PANEL)
    try:
        created = services.agenda_build(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            messages.success(request, f"{len(created)} case{'s' if len(created) != 1 else ''} added to the agenda.")
        else:
            messages.info(request, "No more cases are due at this panel.")
    return redirect(meeting)


def item_add(request, pk: int):
    meeting = selectors.panel_get_for_user(request.user, pk)
    _require(request, CHAIR_PANEL)
    form = AgendaItemAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        reference = data["case_reference"].strip()
        if reference:
            open_cases = cases_visible_to(request.user).exclude(status=CaseStatus.CLOSED)
            case = open_cases.filter(reference__iexact=reference).first()
            if case is None:
                form.add_error("case_reference", "There is no open case with that reference")
        if not form.errors:
            try:
                item = services.agenda_item_add(
                    meeting=meeting,
                    kind=data["kind"],
                    actor=request.user,
                    case=case,
                    title=data["title"],
                    details=data["details"],
                    placing_authority=data["placing_authority"],
                    presenting_agency=data["presenting_agency"],
                    paper=data["paper"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Item added to the agenda.")
                return redirect(item)
    return render(request, "riskpanel/item_add.html", {"form": form, "meeting": meeting})


@require_GET
def item_detail(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    decision = selectors.decision_for_item(item)
    log_access(request, item)
    if item.case is not None:
        log_access(request, item.case)
    can_chair = request.user.has_perm(CHAIR_PANEL)
    status = item.meeting.status
    return render(
        request,
        "riskpanel/item_detail.html",
        {
            "item": item,
            "meeting": item.meeting,
            "decision": decision,
            "decision_actions": list(
                Action.objects.filter(decision=decision).select_related("owner_agency", "owner") if decision else []
            ),
            "can_see_case": (
                item.case_id is not None and cases_visible_to(request.user).filter(pk=item.case_id).exists()
            ),
            "can_chair": can_chair,
            "can_decide": can_chair and status in DECISIONS_ALLOWED and not item.is_withdrawn and decision is None,
            "can_change_agenda": can_chair and status in AGENDA_EDITABLE and not item.is_withdrawn and not decision,
            "today": timezone.localdate(),
        },
    )


def decision_record(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    _require(request, CHAIR_PANEL)
    _log_page(request, item, item.case)
    if item.case is None:
        return redirect("riskpanel:item_outcome", pk=pk, item_pk=item_pk)
    settings = service_settings()
    form = PanelDecisionForm(request.POST or None, initial={"version": item.version})
    if selectors.decision_for_item(item) is not None:
        if request.method != "POST":
            messages.info(request, "The panel's decision on this item has already been recorded.")
            return redirect(item)
        # Someone recorded the decision after this form was opened: keep what was typed, say so.
        form.is_valid()
        add_service_errors(form, StaleRecord(item, ["The panel's decision"]))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.panel_decision_record(
                item=item,
                actor=request.user,
                risk_level=data["risk_level"],
                rationale=data["rationale"],
                next_review_on=data["next_review_on"],
                send_gp_letter=data["send_gp_letter"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"Decision recorded: {decision.get_risk_level_display()} ({decision.get_colour_display().lower()})."
            if decision.needs_strategy_meeting:
                text += " A strategy meeting is now due."
            messages.success(request, text)
            return redirect(item)
    mapping = settings["rag_mapping"]
    levels = _risk_choices()
    return render(
        request,
        "riskpanel/decision_form.html",
        {
            "form": form,
            "item": item,
            "meeting": item.meeting,
            "levels": [
                (level.label, mapping[value], settings.duration(f"panel_review_{value}")) for value, level in levels
            ],
        },
    )


def _risk_choices():
    return [(level.value, level) for level in reversed(RISK_ORDER)]


@require_POST
def decision_gp_letter(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    _require(request, CHAIR_PANEL)
    decision = selectors.decision_for_item(item)
    if decision is None:
        raise PermissionDenied
    services.panel_decision_send_gp_letter(decision=decision, actor=request.user)
    messages.success(request, "GP letter generated.")
    return redirect(item)


def item_outcome(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    _require(request, CHAIR_PANEL)
    _log_page(request, item, item.case)
    form = AgendaItemOutcomeForm(request.POST or None, initial={"outcome": item.outcome, "version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_record_outcome(
                item=item,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect(item)
    return render(request, "riskpanel/item_outcome.html", {"form": form, "item": item, "meeting": item.meeting})


def item_withdraw(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    _require(request, CHAIR_PANEL)
    _log_page(request, item, item.case)
    form = AgendaItemWithdrawForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_withdraw(
                item=item,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Item withdrawn from the agenda.")
            return redirect(item.meeting)
    return render(request, "riskpanel/item_withdraw.html", {"form": form, "item": item, "meeting": item.meeting})


@require_POST
def item_refresh_paper(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    _require(request, CHAIR_PANEL)
    try:
        services.agenda_item_refresh_paper(item=item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Paper taken from the latest risk assessment.")
    return redirect(item)


# --- Cases -----------------------------------------------------------------------------------


@require_GET
@role_required(*CASEWORK_ROLES)
def case_list(request):
    page = _page(request, selectors.riskpanel_cases_for_user(request.user))
    return render(request, "riskpanel/case_list.html", {"page": page, "today": timezone.localdate()})


@require_GET
def case_detail(request, case_pk: int):
    case = case_get_for_user(request.user, case_pk)
    log_access(request, case)
    user = request.user
    now = timezone.now()
    settings = service_settings()
    plans = list(selectors.safety_plans_for_case(user, case))
    return render(
        request,
        "riskpanel/case_detail.html",
        {
            "case": case,
            "panel_items": list(selectors.case_panel_items(user, case)),
            "strategy_meetings": list(selectors.strategy_meetings_for_case(user, case)),
            "plans": plans,
            "draft": next((p for p in plans if p.status == SafetyPlanStatus.DRAFT), None),
            "actions": list(selectors.actions_for_case(user, case)),
            "due_items": due_items_for_cases([case.pk], now=now, settings=settings).get(case.pk, []),
            "can_write_plan": user.has_perm(ADD_SAFETY_PLAN),
            "can_add_action": user.has_perm(ADD_ACTION),
            "today": timezone.localdate(),
        },
    )


# --- Strategy meetings -----------------------------------------------------------------------


@require_GET
@role_required(*CASEWORK_ROLES)
def strategy_meeting_list(request):
    held = request.GET.get("held") == "1"
    page = _page(request, selectors.strategy_meeting_list_for_user(request.user, held=held))
    now = timezone.now()
    settings = service_settings()
    for meeting in page.object_list:
        key = "strategy_meeting_review" if meeting.is_review else "strategy_meeting"
        meeting.due_state = settings.classify(key, meeting.due_at, now=now, met_at=meeting.held_at)
    return render(
        request,
        "riskpanel/strategy_meeting_list.html",
        {"page": page, "held": held, "query": "held=1" if held else ""},
    )


@require_GET
def strategy_meeting_detail(request, pk: int):
    meeting = selectors.strategy_meeting_get_for_user(request.user, pk)
    log_access(request, meeting)
    settings = service_settings()
    key = "strategy_meeting_review" if meeting.is_review else "strategy_meeting"
    return render(
        request,
        "riskpanel/strategy_meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "due_state": settings.classify(key, meeting.due_at, now=timezone.now(), met_at=meeting.held_at),
            "actions": list(meeting.actions.select_related("owner_agency", "owner")),
            "can_record": request.user.has_perm(RECORD_STRATEGY_MEETING) and meeting.held_at is None,
            "can_add_action": request.user.has_perm(RECORD_STRATEGY_MEETING),
            "today": timezone.localdate(),
        },
    )


def strategy_meeting_record(request, pk: int):
    meeting = selectors.strategy_meeting_get_for_user(request.user, pk)
    _require(request, RECORD_STRATEGY_MEETING)
    _log_page(request, meeting)
    form = StrategyMeetingForm(request.POST or None, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.strategy_meeting_record(
                meeting=meeting,
                actor=request.user,
                held_at=data["held_at"],
                attending_agencies=data["attending_agencies"],
                attendees=data["attendees"],
                discussion=data["discussion"],
                support_for_parents=data["support_for_parents"],
                disruption_actions=data["disruption_actions"],
                resolution_reached=data["resolution_reached"],
                exit_plan=data["exit_plan"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{meeting.kind_label} recorded.")
            return redirect(meeting)
    return render(request, "riskpanel/strategy_meeting_record.html", {"form": form, "meeting": meeting})


# --- Safety plans ----------------------------------------------------------------------------


def safety_plan_new(request, case_pk: int):
    case = case_get_for_user(request.user, case_pk)
    _require(request, ADD_SAFETY_PLAN)
    _log_page(request, case)
    draft = selectors.safety_plan_current(case, SafetyPlanStatus.DRAFT)
    if draft is not None:
        messages.info(request, f"Version {draft.number} is already a draft: change it here.")
        return redirect("riskpanel:safety_plan_edit", pk=draft.pk)
    agreed = selectors.safety_plan_current(case)
    initial = SafetyPlanForm.initial_from(agreed) if agreed else {}
    form = SafetyPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.safety_plan_start(case=case, actor=request.user, **form.sections())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Safety plan version {plan.number} saved as a draft.")
            return redirect(plan)
    return render(request, "riskpanel/safety_plan_form.html", {"form": form, "case": case, "agreed": agreed})


@require_GET
def safety_plan_detail(request, pk: int):
    plan = selectors.safety_plan_get_for_user(request.user, pk)
    log_access(request, plan)
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    return render(
        request,
        "riskpanel/safety_plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "can_edit": is_draft and request.user.has_perm(CHANGE_SAFETY_PLAN),
            "can_agree": is_draft and request.user.has_perm(AGREE_SAFETY_PLAN),
            "can_start_new": plan.status == SafetyPlanStatus.AGREED and request.user.has_perm(ADD_SAFETY_PLAN),
        },
    )


def safety_plan_edit(request, pk: int):
    plan = selectors.safety_plan_get_for_user(request.user, pk)
    _require(request, CHANGE_SAFETY_PLAN)
    _log_page(request, plan)
    form = SafetyPlanForm(request.POST or None, initial={**SafetyPlanForm.initial_from(plan), "version": plan.version})
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    if not is_draft and not refuse_if_stale(form, plan):
        messages.info(request, "An agreed safety plan does not change: start a new version instead.")
        return redirect(plan)
    if request.method == "POST" and is_draft and form.is_valid():
        try:
            services.safety_plan_update(
                plan=plan, actor=request.user, expected_version=form.cleaned_data.get("version"), **form.sections()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Draft of version {plan.number} saved.")
            return redirect(plan)
    return render(request, "riskpanel/safety_plan_form.html", {"form": form, "case": plan.case, "plan": plan})


def safety_plan_agree(request, pk: int):
    plan = selectors.safety_plan_get_for_user(request.user, pk)
    _require(request, AGREE_SAFETY_PLAN)
    _log_page(request, plan)
    settings = service_settings()
    form = SafetyPlanAgreeForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_plan_agree(
                plan=plan,
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
                review_due_on=form.cleaned_data["review_due_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Safety plan version {plan.number} agreed.")
            return redirect(plan)
    return render(
        request,
        "riskpanel/safety_plan_agree.html",
        {
            "form": form,
            "plan": plan,
            "case": plan.case,
            "default_review_on": rules.default_safety_plan_review_on(timezone.now(), settings),
        },
    )


def _family_context(plan) -> dict:
    return {"plan": plan, "case": plan.case, "child": plan.case.child, "printed_on": timezone.localdate()}


@require_GET
def safety_plan_print(request, pk: int):
    plan = selectors.safety_plan_get_for_user(request.user, pk)
    log_access(request, plan, action=AccessAction.PRINT)
    return render(request, "riskpanel/safety_plan_print.html", _family_context(plan))


@require_GET
def safety_plan_pdf(request, pk: int):
    plan = selectors.safety_plan_get_for_user(request.user, pk)
    log_access(request, plan, action=AccessAction.EXPORT)
    content = render_pdf("riskpanel/safety_plan_pdf.html", _family_context(plan), request=request)
    return pdf_response(content, f"safety-plan-{plan.case.reference}-v{plan.number}.pdf")


# --- Actions ---------------------------------------------------------------------------------


def _action_list(request, by: str):
    today = timezone.localdate()
    form = ActionFilterForm(request.GET or None)
    agency_id = owner_id = None
    overdue = False
    if form.is_valid():
        agency_id = form.cleaned_data["agency"].pk if form.cleaned_data["agency"] else None
        owner_id = form.cleaned_data["owner"].pk if form.cleaned_data["owner"] else None
        overdue = form.cleaned_data["overdue"]
    rows = selectors.action_list_for_user(
        request.user, by=by, agency_id=agency_id, owner_id=owner_id, overdue_on=today if overdue else None
    )
    page = _page(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "riskpanel/action_list.html",
        {
            "form": form,
            "page": page,
            "by": by,
            "today": today,
            "query": query.urlencode(),
            "counts": selectors.action_counts_by_agency(request.user, today=today) if by == "agency" else None,
        },
    )


@require_GET
@role_required(*CASEWORK_ROLES)
def action_list(request):
    return _action_list(request, "agency")


@require_GET
@role_required(*CASEWORK_ROLES)
def action_list_by_owner(request):
    return _action_list(request, "owner")


@require_GET
def action_detail(request, pk: int):
    action = selectors.action_get_for_user(request.user, pk)
    log_access(request, action)
    is_open = action.status == ActionStatus.OPEN
    can_change = is_open and request.user.has_perm(CHANGE_ACTION)
    return render(
        request,
        "riskpanel/action_detail.html",
        {"action": action, "can_change": can_change, "today": timezone.localdate()},
    )


def _action_form_page(request, *, parent_url: str, parent_label: str, case=None, decision=None, strategy_meeting=None):
    _require(request, ADD_ACTION)
    _log_page(request, case, decision.item if decision is not None else None, strategy_meeting)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_create(
                actor=request.user,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                case=case,
                decision=decision,
                strategy_meeting=strategy_meeting,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            return redirect(parent_url)
    return render(
        request,
        "riskpanel/action_form.html",
        {"form": form, "parent_url": parent_url, "parent_label": parent_label, "case": case},
    )


def action_add_for_case(request, case_pk: int):
    case = case_get_for_user(request.user, case_pk)
    return _action_form_page(
        request,
        parent_url=reverse("riskpanel:case_detail", args=[case.pk]),
        parent_label=f"Back to {case.reference}",
        case=case,
    )


def action_add_for_decision(request, pk: int, item_pk: int):
    item = selectors.agenda_item_get_for_user(request.user, pk, item_pk)
    decision = selectors.decision_for_item(item)
    if decision is None:
        raise PermissionDenied
    return _action_form_page(
        request,
        parent_url=item.get_absolute_url(),
        parent_label="Back to the panel item",
        case=item.case,
        decision=decision,
    )


def action_add_for_strategy_meeting(request, pk: int):
    meeting = selectors.strategy_meeting_get_for_user(request.user, pk)
    return _action_form_page(
        request,
        parent_url=meeting.get_absolute_url(),
        parent_label=f"Back to the {meeting.kind_label.lower()}",
        case=meeting.case,
        strategy_meeting=meeting,
    )


def action_edit(request, pk: int):
    action = selectors.action_get_for_user(request.user, pk)
    _require(request, CHANGE_ACTION)
    _log_page(request, action)
    initial = {
        "description": action.description,
        "owner_agency": action.owner_agency_id,
        "owner": action.owner_id,
        "owner_name": action.owner_name,
        "due_on": action.due_on,
        "version": action.version,
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                action=action,
                actor=request.user,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action saved.")
            return redirect(action)
    return render(
        request,
        "riskpanel/action_form.html",
        {
            "form": form,
            "action": action,
            "case": action.case,
            "parent_url": action.get_absolute_url(),
            "parent_label": "Back to the action",
        },
    )


def _action_close_page(request, pk: int, *, complete: bool):
    action = selectors.action_get_for_user(request.user, pk)
    _require(request, CHANGE_ACTION)
    _log_page(request, action)
    form_class = ActionCompleteForm if complete else ActionCancelForm
    form = form_class(request.POST or None, initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if complete:
                services.action_complete(
                    action=action,
                    actor=request.user,
                    completion_note=data["completion_note"],
                    expected_version=data.get("version"),
                )
            else:
                services.action_cancel(
                    action=action, actor=request.user, reason=data["reason"], expected_version=data.get("version")
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action marked as done." if complete else "Action cancelled.")
            return redirect(action)
    return render(request, "riskpanel/action_close.html", {"form": form, "action": action, "complete": complete})


def action_complete(request, pk: int):
    return _action_close_page(request, pk, complete=True)


def action_cancel(request, pk: int):
    return _action_close_page(request, pk, complete=False)

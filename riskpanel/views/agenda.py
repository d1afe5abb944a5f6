"""Items on a panel's agenda: adding one by hand, the item and its paper, the panel's decision or
outcome, withdrawing it, and taking its paper again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import StaleRecord
from core.forms import add_service_errors
from core.pages import contributions, log, record_view, submit
from core.selectors import service_settings

from .. import rules, selectors, services
from ..forms import AgendaItemAddForm, AgendaItemOutcomeForm, AgendaItemWithdrawForm, PanelDecisionForm
from ..permissions import item_form_permissions, item_permissions, panel_permissions
from ._common import act, chairs

ITEM = ("pk", "item_pk")  # an item's URL names its panel and itself


# A form to add an item (no papers): not written to the access log.
@record_view(get=selectors.panel_get_for_user, permissions=panel_permissions, allow=chairs, log=False)
def item_add(request, meeting, perms):
    form = AgendaItemAddForm(request.POST or None)
    case = None
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["case_reference"].strip()
        if reference:
            case = selectors.open_case_by_reference(request.user, reference)
            if case is None:
                form.add_error("case_reference", "There is no open case with that reference")

    def args(data: dict) -> dict:
        fields = ("kind", "title", "details", "placing_authority", "presenting_agency", "paper")
        return {"case": case, **{name: data[name] for name in fields}}

    response = submit(
        request,
        form,
        services.agenda_item_add,
        meeting=meeting,
        args=args,
        success=lambda item: item.get_absolute_url(),
        message="Item added to the agenda.",
    )
    return response or render(request, "riskpanel/item_add.html", {"form": form, "meeting": meeting})


@require_GET
@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM)
def item_detail(request, item, _):
    log(request, item.case)  # the item is logged by record_view, then its case
    decision = selectors.decision_for_item(item)
    return render(
        request,
        "riskpanel/item_detail.html",
        {
            "item": item,
            "meeting": item.meeting,
            "decision": decision,
            "carried_from": selectors.items_carried_into(item),
            "decision_actions": selectors.actions_for_decision(decision),
            "perms": item_permissions(request.user, item, decision),
            "today": timezone.localdate(),
            "contributions": contributions(request, "panel_paper", item),
        },
    )


def _decided(decision) -> str:
    text = f"Decision recorded: {decision.get_risk_level_display()} ({decision.get_colour_display().lower()})."
    if decision.needs_strategy_meeting:
        text += " A strategy meeting is now due."
    return text


@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, permissions=item_form_permissions, allow=chairs)
def decision_record(request, item, perms):
    if request.method == "GET":
        log(request, item.case)
    if item.case is None:
        return redirect("riskpanel:item_outcome", pk=item.meeting_id, item_pk=item.pk)
    settings = service_settings()
    form = PanelDecisionForm(request.POST or None, initial={"version": item.version})
    if selectors.decision_for_item(item) is not None:
        if request.method != "POST":
            messages.info(request, "The panel's decision on this item has already been recorded.")
            return redirect(item)
        # Someone recorded the decision after this form was opened: keep what was typed, say so.
        form.is_valid()
        add_service_errors(form, StaleRecord(item, ["The panel's decision"]))
    else:
        response = submit(
            request,
            form,
            services.panel_decision_record,
            item=item,
            success=item.get_absolute_url(),
            message=_decided,
        )
        if response:
            return response
    mapping = settings["rag_mapping"]
    return render(
        request,
        "riskpanel/decision_form.html",
        {
            "form": form,
            "item": item,
            "meeting": item.meeting,
            "levels": [
                (level.label, mapping[value], settings.duration(f"panel_review_{value}"))
                for value, level in rules.risk_levels_highest_first()
            ],
        },
    )


@require_POST
@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, permissions=item_form_permissions, allow=chairs)
def decision_gp_letter(request, item, perms):
    decision = selectors.decision_for_item(item)
    if decision is None:
        raise PermissionDenied
    services.panel_decision_send_gp_letter(decision=decision, actor=request.user)
    messages.success(request, "GP letter generated.")
    return redirect(item)


@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, permissions=item_form_permissions, allow=chairs)
def item_outcome(request, item, perms):
    if request.method == "GET":
        log(request, item.case)
    form = AgendaItemOutcomeForm(request.POST or None, initial={"outcome": item.outcome, "version": item.version})
    response = submit(
        request,
        form,
        services.agenda_item_record_outcome,
        item=item,
        success=item.get_absolute_url(),
        message="Outcome recorded.",
    )
    return response or render(
        request, "riskpanel/item_outcome.html", {"form": form, "item": item, "meeting": item.meeting}
    )


@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, permissions=item_form_permissions, allow=chairs)
def item_withdraw(request, item, perms):
    if request.method == "GET":
        log(request, item.case)
    form = AgendaItemWithdrawForm(request.POST or None, initial={"version": item.version})
    response = submit(
        request,
        form,
        services.agenda_item_withdraw,
        item=item,
        success=item.meeting.get_absolute_url(),
        message="Item withdrawn from the agenda.",
    )
    return response or render(
        request, "riskpanel/item_withdraw.html", {"form": form, "item": item, "meeting": item.meeting}
    )


@require_POST
@record_view(get=selectors.agenda_item_get_for_user, keys=ITEM, permissions=item_form_permissions, allow=chairs)
def item_refresh_paper(request, item, perms):
    act(request, services.agenda_item_refresh_paper, item=item, success="Paper taken from the latest risk assessment.")
    return redirect(item)

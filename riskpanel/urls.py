from django.urls import path

from .views import actions, agenda, cases, minutes, panels, safety_plans, strategy_meetings

app_name = "riskpanel"

urlpatterns = [
    path("", panels.index, name="index"),
    # Panels and their agendas
    path("panels/", panels.panel_list, name="panel_list"),
    path("panels/schedule/", panels.panel_schedule, name="panel_schedule"),
    path("panels/<int:pk>/", panels.panel_detail, name="panel_detail"),
    path("panels/<int:pk>/edit/", panels.panel_edit, name="panel_edit"),
    path("panels/<int:pk>/open/", panels.panel_open, name="panel_open"),
    path("panels/<int:pk>/close/", panels.panel_close, name="panel_close"),
    path("panels/<int:pk>/agenda/build/", panels.agenda_build, name="agenda_build"),
    path("panels/<int:pk>/minutes/", minutes.minutes_detail, name="minutes_detail"),
    path("panels/<int:pk>/minutes/edit/", minutes.minutes_edit, name="minutes_edit"),
    path("panels/<int:pk>/minutes/pdf/", minutes.minutes_pdf, name="minutes_pdf"),
    path("panels/<int:pk>/items/add/", agenda.item_add, name="item_add"),
    path("panels/<int:pk>/items/<int:item_pk>/", agenda.item_detail, name="item_detail"),
    path("panels/<int:pk>/items/<int:item_pk>/decision/", agenda.decision_record, name="decision_record"),
    path("panels/<int:pk>/items/<int:item_pk>/gp-letter/", agenda.decision_gp_letter, name="decision_gp_letter"),
    path("panels/<int:pk>/items/<int:item_pk>/outcome/", agenda.item_outcome, name="item_outcome"),
    path("panels/<int:pk>/items/<int:item_pk>/withdraw/", agenda.item_withdraw, name="item_withdraw"),
    path("panels/<int:pk>/items/<int:item_pk>/refresh-paper/", agenda.item_refresh_paper, name="item_refresh_paper"),
    path(
        "panels/<int:pk>/items/<int:item_pk>/actions/add/", actions.action_add_for_decision, name="decision_action_add"
    ),
    # Cases
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:case_pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/safety-plans/new/", safety_plans.safety_plan_new, name="safety_plan_new"),
    path("cases/<int:case_pk>/actions/add/", actions.action_add_for_case, name="case_action_add"),
    # Strategy meetings
    path("strategy-meetings/", strategy_meetings.strategy_meeting_list, name="strategy_meeting_list"),
    path("strategy-meetings/<int:pk>/", strategy_meetings.strategy_meeting_detail, name="strategy_meeting_detail"),
    path(
        "strategy-meetings/<int:pk>/record/", strategy_meetings.strategy_meeting_record, name="strategy_meeting_record"
    ),
    path(
        "strategy-meetings/<int:pk>/actions/add/",
        actions.action_add_for_strategy_meeting,
        name="strategy_meeting_action_add",
    ),
    # Safety plans
    path("safety-plans/<int:pk>/", safety_plans.safety_plan_detail, name="safety_plan_detail"),
    path("safety-plans/<int:pk>/edit/", safety_plans.safety_plan_edit, name="safety_plan_edit"),
    path("safety-plans/<int:pk>/agree/", safety_plans.safety_plan_agree, name="safety_plan_agree"),
    path("safety-plans/<int:pk>/print/", safety_plans.safety_plan_print, name="safety_plan_print"),
    path("safety-plans/<int:pk>/pdf/", safety_plans.safety_plan_pdf, name="safety_plan_pdf"),
    # Actions
    path("actions/", actions.action_list, name="action_list"),
    path("actions/by-owner/", actions.action_list_by_owner, name="action_list_by_owner"),
    path("actions/agency/", actions.partner_actions, name="partner_actions"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", actions.action_progress_add, name="action_progress_add"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", actions.action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", actions.action_cancel, name="action_cancel"),
]

from django.urls import path

from . import views

app_name = "riskpanel"

urlpatterns = [
    path("", views.index, name="index"),
    # Panels and their agendas
    path("panels/", views.panel_list, name="panel_list"),
    path("panels/schedule/", views.panel_schedule, name="panel_schedule"),
    path("panels/<int:pk>/", views.panel_detail, name="panel_detail"),
    path("panels/<int:pk>/edit/", views.panel_edit, name="panel_edit"),
    path("panels/<int:pk>/open/", views.panel_open, name="panel_open"),
    path("panels/<int:pk>/close/", views.panel_close, name="panel_close"),
    path("panels/<int:pk>/agenda/build/", views.agenda_build, name="agenda_build"),
    path("panels/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("panels/<int:pk>/items/<int:item_pk>/", views.item_detail, name="item_detail"),
    path("panels/<int:pk>/items/<int:item_pk>/decision/", views.decision_record, name="decision_record"),
    path("panels/<int:pk>/items/<int:item_pk>/gp-letter/", views.decision_gp_letter, name="decision_gp_letter"),
    path("panels/<int:pk>/items/<int:item_pk>/outcome/", views.item_outcome, name="item_outcome"),
    path("panels/<int:pk>/items/<int:item_pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("panels/<int:pk>/items/<int:item_pk>/refresh-paper/", views.item_refresh_paper, name="item_refresh_paper"),
    path("panels/<int:pk>/items/<int:item_pk>/actions/add/", views.action_add_for_decision, name="decision_action_add"),
    # Cases
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/safety-plans/new/", views.safety_plan_new, name="safety_plan_new"),
    path("cases/<int:case_pk>/actions/add/", views.action_add_for_case, name="case_action_add"),
    # Strategy meetings
    path("strategy-meetings/", views.strategy_meeting_list, name="strategy_meeting_list"),
    path("strategy-meetings/<int:pk>/", views.strategy_meeting_detail, name="strategy_meeting_detail"),
    path("strategy-meetings/<int:pk>/record/", views.strategy_meeting_record, name="strategy_meeting_record"),
    path(
        "strategy-meetings/<int:pk>/actions/add/",
        views.action_add_for_strategy_meeting,
        name="strategy_meeting_action_add",
    ),
    # Safety plans
    path("safety-plans/<int:pk>/", views.safety_plan_detail, name="safety_plan_detail"),
    path("safety-plans/<int:pk>/edit/", views.safety_plan_edit, name="safety_plan_edit"),
    path("safety-plans/<int:pk>/agree/", views.safety_plan_agree, name="safety_plan_agree"),
    path("safety-plans/<int:pk>/print/", views.safety_plan_print, name="safety_plan_print"),
    path("safety-plans/<int:pk>/pdf/", views.safety_plan_pdf, name="safety_plan_pdf"),
    # Actions
    path("actions/", views.action_list, name="action_list"),
    path("actions/by-owner/", views.action_list_by_owner, name="action_list_by_owner"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/done/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
]

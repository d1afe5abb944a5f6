from django.urls import path

from . import views

app_name = "cate"

case = "cases/<int:pk>/"

urlpatterns = [
    path("", views.index, name="index"),
    # Referrals and the detailed assessment
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/assessment/start/", views.assessment_start, name="assessment_start"),
    path("referrals/<int:pk>/assessment/", views.assessment_edit, name="assessment_edit"),
    path("referrals/<int:pk>/assessment/outcome/", views.assessment_outcome, name="assessment_outcome"),
    # Caseloads
    path("caseload/", views.my_caseload, name="my_caseload"),
    path("caseloads/", views.caseload_list, name="caseload_list"),
    path("caseloads/<int:user_pk>/", views.caseload_detail, name="caseload_detail"),
    # Cases
    path("cases/", views.case_list, name="case_list"),
    path(case, views.case_detail, name="case_detail"),
    path(case + "edit/", views.case_edit, name="case_edit"),
    path(case + "allocate/", views.case_allocate, name="case_allocate"),
    path(case + "chronology/", views.chronology, name="chronology"),
    path(case + "chronology/add/", views.significant_event_add, name="significant_event_add"),
    path(case + "statutory-episodes/add/", views.statutory_episode_add, name="statutory_episode_add"),
    path(case + "statutory-episodes/<int:item>/edit/", views.statutory_episode_edit, name="statutory_episode_edit"),
    path(case + "visits/", views.visit_list, name="visit_list"),
    path(case + "visits/add/", views.visit_add, name="visit_add"),
    path(case + "visits/<int:item>/edit/", views.visit_edit, name="visit_edit"),
    path(case + "risk-assessments/add/", views.risk_assessment_add, name="risk_assessment_add"),
    path(case + "risk-assessments/<int:item>/", views.risk_assessment_detail, name="risk_assessment_detail"),
    path(case + "risk-assessments/<int:item>/revise/", views.risk_assessment_revise, name="risk_assessment_revise"),
    path(case + "missing-episodes/", views.missing_episode_list, name="missing_episode_list"),
    path(case + "missing-episodes/add/", views.missing_episode_add, name="missing_episode_add"),
    path(case + "missing-episodes/<int:item>/", views.missing_episode_detail, name="missing_episode_detail"),
    path(case + "missing-episodes/<int:item>/edit/", views.missing_episode_edit, name="missing_episode_edit"),
    path(case + "missing-episodes/<int:item>/interview/", views.rhi_edit, name="rhi_edit"),
    path(case + "nrm-referrals/<int:item>/", views.nrm_edit, name="nrm_edit"),
    path(case + "gp-letters/<int:item>/", views.gp_letter_detail, name="gp_letter_detail"),
    path(case + "gp-letters/<int:item>/pdf/", views.gp_letter_pdf, name="gp_letter_pdf"),
    path(case + "gp-letters/<int:item>/sent/", views.gp_letter_sent, name="gp_letter_sent"),
    path(case + "support-referrals/add/", views.support_referral_add, name="support_referral_add"),
    path(case + "support-referrals/<int:item>/edit/", views.support_referral_edit, name="support_referral_edit"),
    path(case + "disclosures/add/", views.disclosure_add, name="disclosure_add"),
    path(case + "transition-meetings/add/", views.transition_meeting_add, name="transition_meeting_add"),
    path(case + "closure/propose/", views.closure_propose, name="closure_propose"),
    path(case + "closure/decide/", views.closure_decide, name="closure_decide"),
    path(case + "reopen/", views.case_reopen, name="case_reopen"),
]

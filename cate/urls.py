from django.urls import path

from .views import cases, casework, home, notes, referrals

app_name = "cate"

case = "cases/<int:pk>/"

urlpatterns = [
    path("", home.index, name="index"),
    # Referrals and the detailed assessment
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/assessment/start/", referrals.assessment_start, name="assessment_start"),
    path("referrals/<int:pk>/assessment/", referrals.assessment_edit, name="assessment_edit"),
    path("referrals/<int:pk>/assessment/outcome/", referrals.assessment_outcome, name="assessment_outcome"),
    # Caseloads
    path("caseload/", home.my_caseload, name="my_caseload"),
    path("caseloads/", home.caseload_list, name="caseload_list"),
    path("caseloads/<int:user_pk>/", home.caseload_detail, name="caseload_detail"),
    path("nrm-referrals/awaiting-decision/", home.nrm_awaiting, name="nrm_awaiting"),
    # Cases
    path("cases/", home.case_list, name="case_list"),
    path(case, cases.case_detail, name="case_detail"),
    path(case + "edit/", cases.case_edit, name="case_edit"),
    path(case + "allocate/", cases.case_allocate, name="case_allocate"),
    path(case + "chronology/", notes.chronology, name="chronology"),
    path(case + "chronology/add/", cases.significant_event_add, name="significant_event_add"),
    path(case + "notes/", notes.note_list, name="note_list"),
    path(case + "notes/add/", notes.note_add, name="note_add"),
    path(case + "notes/<int:item>/", notes.note_detail, name="note_detail"),
    path(case + "notes/<int:item>/edit/", notes.note_edit, name="note_edit"),
    path(case + "notes/<int:item>/addenda/add/", notes.note_addendum_add, name="note_addendum_add"),
    path(case + "statutory-episodes/add/", cases.statutory_episode_add, name="statutory_episode_add"),
    path(case + "statutory-episodes/<int:item>/edit/", cases.statutory_episode_edit, name="statutory_episode_edit"),
    path(case + "visits/", casework.visit_list, name="visit_list"),
    path(case + "visits/add/", casework.visit_add, name="visit_add"),
    path(case + "visits/<int:item>/edit/", casework.visit_edit, name="visit_edit"),
    path(case + "risk-assessments/add/", casework.risk_assessment_add, name="risk_assessment_add"),
    path(case + "risk-assessments/<int:item>/", casework.risk_assessment_detail, name="risk_assessment_detail"),
    path(case + "risk-assessments/<int:item>/revise/", casework.risk_assessment_revise, name="risk_assessment_revise"),
    path(case + "missing-episodes/", casework.missing_episode_list, name="missing_episode_list"),
    path(case + "missing-episodes/add/", casework.missing_episode_add, name="missing_episode_add"),
    path(case + "missing-episodes/<int:item>/", casework.missing_episode_detail, name="missing_episode_detail"),
    path(case + "missing-episodes/<int:item>/edit/", casework.missing_episode_edit, name="missing_episode_edit"),
    path(case + "missing-episodes/<int:item>/interview/", casework.rhi_edit, name="rhi_edit"),
    path(case + "nrm-referrals/<int:item>/", casework.nrm_edit, name="nrm_edit"),
    path(case + "gp-letters/closure/", casework.gp_letter_closure, name="gp_letter_closure"),
    path(case + "gp-letters/<int:item>/", casework.gp_letter_detail, name="gp_letter_detail"),
    path(case + "gp-letters/<int:item>/pdf/", casework.gp_letter_pdf, name="gp_letter_pdf"),
    path(case + "gp-letters/<int:item>/sent/", casework.gp_letter_sent, name="gp_letter_sent"),
    path(case + "support-referrals/add/", casework.support_referral_add, name="support_referral_add"),
    path(case + "support-referrals/<int:item>/edit/", casework.support_referral_edit, name="support_referral_edit"),
    path(case + "disclosures/add/", casework.disclosure_add, name="disclosure_add"),
    path(case + "transition-meetings/add/", casework.transition_meeting_add, name="transition_meeting_add"),
    path(case + "closure/propose/", cases.closure_propose, name="closure_propose"),
    path(case + "closure/decide/", cases.closure_decide, name="closure_decide"),
    path(case + "reopen/", cases.case_reopen, name="case_reopen"),
]

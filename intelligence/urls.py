from django.urls import path

from .views import disruptions, reports

app_name = "intelligence"

urlpatterns: list = [
    path("", reports.index, name="index"),
    path("submit/", reports.report_submit, name="report_submit"),
    path("mine/", reports.own_list, name="own_list"),
    path("mine/<int:pk>/", reports.own_detail, name="own_detail"),
    path("queue/", reports.queue, name="queue"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/grade/", reports.report_grade, name="report_grade"),
    path("reports/<int:pk>/share/", reports.report_share, name="report_share"),
    path("reports/<int:pk>/feedback/", reports.report_feedback, name="report_feedback"),
    path("reports/<int:pk>/match/", reports.report_match, name="report_match"),
    path("reports/<int:pk>/match/remove/", reports.report_subject_remove, name="report_subject_remove"),
    path("reports/<int:pk>/link/", reports.report_link, name="report_link"),
    path("children/<int:pk>/", reports.child_reports, name="child_reports"),
    path("disruptions/", disruptions.disruption_list, name="disruption_list"),
    path("disruptions/add/<str:kind>/<int:pk>/", disruptions.disruption_add, name="disruption_add"),
    path("disruptions/<int:pk>/", disruptions.disruption_detail, name="disruption_detail"),
    path("disruptions/<int:pk>/agree/", disruptions.disruption_agree, name="disruption_agree"),
    path("disruptions/<int:pk>/outcome/", disruptions.disruption_close, name="disruption_close"),
]

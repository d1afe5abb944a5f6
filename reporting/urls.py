from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<slug:kind>/", views.item_list, name="item_list"),
    path("annual-report/", views.annual_report, name="annual_report"),
    path("intelligence/", views.intelligence_report, name="intelligence_report"),
    path("annual-report/download/", views.annual_report_download, name="annual_report_download"),
]

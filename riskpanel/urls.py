from django.urls import path

from . import views

app_name = "riskpanel"

urlpatterns = [
    path("", views.index, name="index"),
]

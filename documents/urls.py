from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("on/<slug:key>/<int:pk>/", views.record_list, name="record_list"),
    path("on/<slug:key>/<int:pk>/add/", views.add, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]

from django.urls import path

from .views import map as map_views

app_name = "network"

urlpatterns: list = [
    path("map/<str:kind>/<int:pk>/", map_views.network_map, name="map"),
    path("map/<str:kind>/<int:pk>/print/", map_views.network_map_print, name="map_print"),
]

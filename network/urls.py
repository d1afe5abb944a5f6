from django.urls import path

from .views import analysis, context_panels, links, merge, records, sources
from .views import map as map_views

app_name = "network"

urlpatterns: list = [
    path("", records.index, name="index"),
    *records.urlpatterns_of_records(),
    *links.urlpatterns_of_links(),
    path("map/<str:kind>/<int:pk>/", map_views.network_map, name="map"),
    path("map/<str:kind>/<int:pk>/print/", map_views.network_map_print, name="map_print"),
    # Linking from where the information appears (network.views.sources).
    path("missing-episodes/<int:pk>/", sources.missing_episode, name="missing_episode"),
    path("missing-episodes/<int:pk>/place/", sources.missing_episode_place, name="missing_episode_place"),
    path("missing-episodes/<int:pk>/people/", sources.missing_episode_person, name="missing_episode_person"),
    path("enquiry-answers/<int:pk>/link-person/", sources.mace_answer_link, name="mace_answer_link"),
    path("enquiries/<int:pk>/persons/add/", sources.mace_subject_add, name="mace_subject_add"),
    path("enquiries/<int:pk>/persons/remove/", sources.mace_subject_remove, name="mace_subject_remove"),
    *merge.urlpatterns_of_merges(),
    path("hotspots/", analysis.hotspot_list, name="hotspot_list"),
    path("cohort-profile/", analysis.cohort_profile, name="cohort_profile"),
    *context_panels.urlpatterns,
]

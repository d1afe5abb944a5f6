from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/assign/", views.contact_assign, name="contact_assign"),
    path("contacts/<int:pk>/release/", views.contact_release, name="contact_release"),
    path("contacts/<int:pk>/child/", views.contact_link_child, name="contact_link_child"),
    path("contacts/<int:pk>/entered-in-error/", views.contact_entered_in_error, name="contact_entered_in_error"),
    path("contacts/<int:pk>/threshold/", views.threshold_assess, name="threshold_assess"),
    path("contacts/<int:pk>/enquiries/new/", views.mace_create, name="mace_create"),
    path("contacts/<int:pk>/decision/", views.contact_decide, name="contact_decide"),
    path("enquiries/", views.mace_list, name="mace_list"),
    path("enquiries/<int:pk>/", views.mace_detail, name="mace_detail"),
    path("enquiries/<int:pk>/entries/", views.mace_entry_create, name="mace_entry_create"),
    path("enquiries/<int:pk>/close/", views.mace_close, name="mace_close"),
    path("enquiries/<int:pk>/export/", views.mace_export, name="mace_export"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_complete, name="follow_up_complete"),
    path("children/", views.child_search, name="child_search"),
    path("children/new/", views.child_create, name="child_create"),
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/merge/", views.child_merge, name="child_merge"),
    path("children/<int:pk>/restriction/", views.child_restriction, name="child_restriction"),
    path("restricted-records/", views.child_restriction_find, name="child_restriction_find"),
    path("merges/", views.merge_list, name="merge_list"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("report-a-concern/", views.anonymous_referral, name="anonymous_referral"),
    path("report-a-concern/sent/", views.anonymous_referral_sent, name="anonymous_referral_sent"),
]

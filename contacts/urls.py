from django.urls import path

from .views import anonymous, children, contacts, decision, mace, merge, restriction, screening, threshold

app_name = "contacts"

urlpatterns = [
    path("", screening.index, name="index"),
    path("queue/", screening.queue, name="queue"),
    path("contacts/", screening.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/assign/", screening.contact_assign, name="contact_assign"),
    path("contacts/<int:pk>/release/", screening.contact_release, name="contact_release"),
    path("contacts/<int:pk>/child/", contacts.contact_link_child, name="contact_link_child"),
    path("contacts/<int:pk>/entered-in-error/", contacts.contact_entered_in_error, name="contact_entered_in_error"),
    path("contacts/<int:pk>/threshold/", threshold.threshold_assess, name="threshold_assess"),
    path("contacts/<int:pk>/enquiries/new/", mace.mace_create, name="mace_create"),
    path("contacts/<int:pk>/decision/", decision.contact_decide, name="contact_decide"),
    path("enquiries/", mace.mace_list, name="mace_list"),
    path("enquiries/<int:pk>/", mace.mace_detail, name="mace_detail"),
    path("enquiries/<int:pk>/entries/", mace.mace_entry_create, name="mace_entry_create"),
    path("enquiries/<int:pk>/close/", mace.mace_close, name="mace_close"),
    path("enquiries/<int:pk>/export/", mace.mace_export, name="mace_export"),
    path("follow-ups/", decision.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", decision.follow_up_complete, name="follow_up_complete"),
    path("children/", children.child_search, name="child_search"),
    path("children/new/", children.child_create, name="child_create"),
    path("children/<int:pk>/", children.child_detail, name="child_detail"),
    path("children/<int:pk>/edit/", children.child_edit, name="child_edit"),
    path("children/<int:pk>/merge/", merge.child_merge, name="child_merge"),
    path("children/<int:pk>/restriction/", restriction.child_restriction, name="child_restriction"),
    path("restricted-records/", restriction.child_restriction_find, name="child_restriction_find"),
    path("merges/", merge.merge_list, name="merge_list"),
    path("merges/<int:pk>/", merge.merge_detail, name="merge_detail"),
    path("report-a-concern/", anonymous.anonymous_referral, name="anonymous_referral"),
    path("report-a-concern/sent/", anonymous.anonymous_referral_sent, name="anonymous_referral_sent"),
]

from django.urls import path

from . import views
from .views import single_sign_on as sso_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("sign-in/security-code/", views.otp_verify, name="otp_verify"),
    path("sign-in/set-up-authenticator/", views.otp_setup, name="otp_setup"),
    path("sign-in/recovery-codes/", views.otp_recovery_codes, name="otp_recovery_codes"),
    path("sign-in/set-up-authenticator/<str:uidb64>/<str:token>/", views.enrolment_link, name="enrolment_link"),
    path("sign-in/password/<str:uidb64>/<str:token>/", views.PasswordLinkView.as_view(), name="password_link"),
    path("account/", views.account, name="account"),
    path("sign-in/confirm/", views.reauth, name="reauth"),
    path("sign-in/single-sign-on/confirm/", sso_views.sso_reauth, name="sso_reauth"),
    path("sign-in/single-sign-on/<slug:provider>/", sso_views.sso_start, name="sso_start"),
    path("sign-in/single-sign-on/<slug:provider>/callback/", sso_views.sso_callback, name="sso_callback"),
    path(
        "sign-in/single-sign-on/<slug:provider>/back-channel-logout/",
        sso_views.sso_backchannel_logout,
        name="sso_backchannel_logout",
    ),
    path("single-sign-on/group-mappings/", sso_views.group_mappings, name="group_mappings"),
    path("single-sign-on/group-mapping-changes/<int:pk>/", sso_views.group_mapping_change, name="group_mapping_change"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/mark-all-read/", views.notification_mark_all_read, name="notification_mark_all_read"),
    path("settings/", views.settings_list, name="settings"),
    path("settings/changes/", views.setting_changes, name="setting_changes"),
    path("settings/<slug:key>/", views.setting_edit, name="setting_edit"),
    path("audit/", views.audit, name="audit"),
    path("locked-accounts/", views.locked_accounts, name="locked_accounts"),
    path("healthz", views.healthz, name="healthz"),
]

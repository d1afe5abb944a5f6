"""Django's admin site, for administrators: users, teams and agencies only (no case content)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Team, User


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class StaffAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "team", "is_active"]
    list_filter = ["is_active", "groups", "agency", "team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "phone")}),
        ("Organisation", {"fields": ("agency", "team", "groups")}),
        ("Access", {"fields": ("is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_system=False)

    def get_readonly_fields(self, request, obj=None):
        # Nobody widens their own access: another administrator changes an administrator's roles.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["groups", "is_staff", "is_active"]
        return fields

    def has_delete_permission(self, request, obj=None):
        # Staff are switched off (is_active), never deleted: their names stay on the records.
        return False


# django-otp registers admin pages for its devices that show each authenticator's secret (and its QR
# code) and each recovery code: an administrator could sign in as anyone with a password they set.
# Nobody reads or sets another person's second factor; lockouts are lifted on the Locked accounts page.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)

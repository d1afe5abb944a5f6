"""Django's admin site, for administrators: users, teams and agencies only (no case content)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import accounts, oidc, sso
from .models import Agency, ExternalIdentity, GroupMapping, SingleSignOnInvitation, Team, User
from .reauth import fresh_sign_in_required


class FreshSignInAdminMixin:
    """Adding or changing a record here (a person's roles and team, a team, a role's permissions), or
    running an action on the list (a password or two-factor reset), is sensitive: an administrator
    whose last sign-in check is older than REAUTH_FRESH_MINUTES confirms it is them first
    (core/reauth.py). The admin's form is not kept over the check, so the page is checked when it
    is opened, before anything is typed."""

    @method_decorator(fresh_sign_in_required)
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    # The list's actions (resetting a password or a second factor, issuing a set-up code) are sent
    # as a POST of the list: those ask as well; reading the list does not.
    @method_decorator(fresh_sign_in_required(methods=("POST",)))
    def changelist_view(self, request, *args, **kwargs):
        return super().changelist_view(request, *args, **kwargs)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(FreshSignInAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "agency", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


class StaffCreationForm(forms.ModelForm):
    """A new account: no password (its owner sets one through the link e-mailed to them)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "Their work address: the links to set a password and an authenticator go here."


class StaffChangeForm(forms.ModelForm):
    """An account's details, roles and access; never its password or second factor."""

    class Meta:
        model = User
        fields = ["username"]


@admin.register(User)
class StaffAdmin(FreshSignInAdminMixin, UserAdmin, SimpleHistoryAdmin):
    """Accounts: the administrator creates and switches off accounts, gives roles and teams, and
    forces a password or two-factor reset; every write goes through core.accounts (history with the
    administrator, the person told). No page shows or sets a password or a second factor."""

    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "first_name", "last_name", "agency", "team", "is_active"]
    list_filter = ["is_active", "groups", "agency", "team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "phone")}),
        ("Organisation", {"fields": ("agency", "team", "groups")}),
        ("Access", {"fields": ("is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        ("Organisation", {"fields": ("agency", "team", "groups")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
    actions = ["reset_password", "reset_second_factor", "issue_enrolment_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_system=False)

    def get_readonly_fields(self, request, obj=None):
        # Nobody widens their own access: another administrator changes an administrator's roles.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["groups", "is_staff", "is_active"]
        # A provider's user gets roles, team and agency from their groups (core/sso.py), not by hand.
        if obj is not None and obj.external_identities.exists():
            fields += [name for name in ("groups", "team", "agency", "is_staff") if name not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        # Staff are switched off (is_active), never deleted: their names stay on the records.
        return False

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Nobody sets another person's password: reset it, and they set their own.")

    def save_model(self, request, obj, form, change):
        if change:
            changed = [name for name in form.changed_data if name != "groups"]
            accounts.account_change(account=obj, changed=changed, actor=request.user)
        else:
            accounts.account_create(account=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)  # roles are set by the service, not the form
        super().save_related(request, form, formsets, change)
        if groups is not None and form.instance.pk != request.user.pk and not sso.is_provider_user(form.instance):
            accounts.account_roles_set(account=form.instance, groups=groups, actor=request.user)

    def _each(self, request, queryset, service, done: str):
        for account in queryset:
            try:
                service(account=account, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{account}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{account}: {done}", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Reset password (they set their own through an e-mailed link)")
    def reset_password(self, request, queryset):
        self._each(request, queryset, accounts.account_password_reset, "password reset; link e-mailed")

    @admin.action(permissions=["change"], description="Reset two-factor sign-in (they set it up again)")
    def reset_second_factor(self, request, queryset):
        self._each(request, queryset, accounts.account_second_factor_reset, "two-factor sign-in reset")

    @admin.action(permissions=["change"], description="Issue a two-factor set-up code (shown once)")
    def issue_enrolment_code(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one account to issue a set-up code to.", messages.ERROR)
            return None
        account = queryset.get()
        try:
            code = accounts.enrolment_code_issue(account=account, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        context = {**self.admin_site.each_context(request), "account": account, "code": code, "opts": self.opts}
        context["title"] = f"Set-up code for {account}"
        return TemplateResponse(request, "admin/core/user/enrolment_code.html", context)


# django-otp registers admin pages for its devices that show each authenticator's secret (and its QR
# code) and each recovery code: an administrator could sign in as anyone with a password they set.
# Nobody reads or sets another person's second factor; lockouts are lifted on the Locked accounts page.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


# Roles are groups: changing what a role may do is as sensitive as giving it to someone.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(FreshSignInAdminMixin, GroupAdmin):
    pass


# --- Single sign-on: who is linked, what is mapped, invitations ---------------------------------


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(_ReadOnlyAdmin):
    list_display = ["user", "provider", "subject", "created_at", "last_sign_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "subject"]


@admin.register(GroupMapping)
class GroupMappingAdmin(_ReadOnlyAdmin):
    """Read here; changed through a proposal a group manager approves (Single sign-on: group mapping)."""

    list_display = ["provider", "group", "role", "team", "agency"]
    list_filter = ["provider", "role"]


class InvitationForm(forms.ModelForm):
    provider = forms.ChoiceField()

    class Meta:
        model = SingleSignOnInvitation
        fields = ["user", "provider", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.key, p.label) for p in oidc.providers()]
        self.fields["user"].queryset = User.objects.filter(is_system=False, is_active=True)


@admin.register(SingleSignOnInvitation)
class SingleSignOnInvitationAdmin(FreshSignInAdminMixin, SimpleHistoryAdmin):
    """An existing account is linked to its owner's provider account at their first sign-in there
    only when invited here (the address is the one the provider gives for them)."""

    form = InvitationForm
    list_display = ["user", "provider", "email", "invited_by", "created_at", "expires_at", "used_at"]
    list_filter = ["provider"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            invitation = sso.sso_invitation_create(
                account=obj.user, provider_key=obj.provider, email=obj.email, actor=request.user
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk = invitation.pk

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .choices import AccessAction, AccountEmailKind, AgencyKind, MappingChangeAction, MappingChangeStatus


class VersionedModel(models.Model):
    """A record edited through forms: its version guards against lost updates."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Agency(models.Model):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=120)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="core_team_unique_name_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff (or the system account that background jobs act as)."""

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField("work telephone", max_length=30, blank=True, help_text="Shown on the letters they send.")
    is_system = models.BooleanField(default=False, help_text="The account background jobs act as.")
    case_holder = models.BooleanField(default=False, help_text="Holds CATE cases (counts in the average caseload).")
    active_from = models.DateField(null=True, blank=True, help_text="First day in post.")
    active_to = models.DateField(null=True, blank=True, help_text="Last day in post; empty while in post.")
    legacy_key = models.CharField(max_length=64, blank=True, help_text="Identifier in the previous system.")
    # Two-factor set-up: when the account's authenticator last changed (set up, reset), so that a
    # set-up link is used once; when an administrator last changed the e-mail address (links to
    # it wait 24 hours); a set-up code an administrator issued, kept hashed, and when it expires.
    second_factor_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    enrolment_code = models.CharField(max_length=128, blank=True, editable=False)
    enrolment_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "enrolment_code"])

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="core_user_unique_legacy_key"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AccessLog(models.Model):
    """Append-only record of who viewed or exported which record, when and from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=AccessAction.choices, default=AccessAction.VIEW)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # The child the record is about (a child, or a contact, case, panel item, safety plan... of one),
    # so that the auditor can list everyone who saw anything of a child. A number, not a key:
    # core/ does not depend on the apps that hold children.
    child_number = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What an export held: its kind, its filters or period and the records in it (numbers, never
    # names), with a one-line `summary` the audit page shows. Empty for a view.
    contents = models.JSONField(default=dict, blank=True)
    # The application's database role may only read and add rows (core/database_roles.py).
    append_only = True

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="core_access_object_idx"),
            models.Index(fields=["user", "-at"], name="core_access_user_idx"),
            models.Index(fields=["child_number", "-at"], name="core_access_child_idx"),
        ]
        permissions = [("view_audit_history", "Can read the audit history of any record")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.object_repr} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class Notification(models.Model):
    """An alert for one member of staff: shown in the app and sent by e-mail."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200, blank=True, help_text="Identifies an alert so it is sent only once.")
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="core_notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="core_notif_unread_idx"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
                name="core_notif_email_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:notification_open", args=[self.pk])


class ServiceSetting(models.Model):
    """A council's own value for a setting of the registry in core.timescales (defaults in code)."""

    key = models.CharField(max_length=80, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class AccountEmail(models.Model):
    """An e-mail to a member of staff about their own account: a link to set their password or
    their authenticator, or the notice to an old address that the address was changed. Queued and
    retried like notifications' e-mails (core.tasks.retry_notification_emails); a link's token is
    made when the e-mail is sent and never stored, and a link always goes to the account's address
    as it is then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_emails")
    kind = models.CharField(max_length=20, choices=AccountEmailKind.choices)
    address = models.EmailField(blank=True, help_text="Where a notice goes; empty: the account's address.")
    created_at = models.DateTimeField(auto_now_add=True)
    wanted = models.BooleanField(default=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(wanted=True, sent_at__isnull=True),
                name="core_account_email_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"


# --- Single sign-on (OpenID Connect; core/oidc.py and core/sso.py) ------------------------------


class ExternalIdentity(models.Model):
    """A person's account at an identity provider: matched by issuer and subject, never by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_identities")
    provider = models.CharField(max_length=40, help_text="The provider's key in OIDC_PROVIDERS.")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "user"]
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="core_external_identity_unique_subject"),
            models.UniqueConstraint(fields=["user", "provider"], name="core_external_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"


class SingleSignOnInvitation(models.Model):
    """An administrator's invitation for an existing local account to be linked, at its owner's
    first sign-in through `provider`, to the provider's account with `email`. Used once; expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_invitations")
    provider = models.CharField(max_length=40)
    email = models.EmailField(help_text="The address the provider gives for this person.")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} invited to sign in through {self.provider}"


class GroupMapping(models.Model):
    """A provider's group (the value in its groups claim) that gives a role, and with it a team
    and an agency. Made and removed only by an approved GroupMappingChange."""

    provider = models.CharField(max_length=40)
    group = models.CharField(max_length=255, help_text="The group's identifier as the provider sends it.")
    role = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "group", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "group", "role"], name="core_group_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.group} → {self.role.name}"


class GroupMappingChange(models.Model):
    """A change of the group mapping, proposed by an administrator and taking effect only when a
    group manager (someone else) approves it; both are recorded."""

    provider = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=MappingChangeAction.choices)
    group = models.CharField(max_length=255)
    role = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=MappingChangeStatus.choices, default=MappingChangeStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        permissions = [("decide_groupmappingchange", "Can approve or reject a change of the group mapping")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.group} → {self.role.name} ({self.provider})"

    def get_absolute_url(self) -> str:
        return reverse("core:group_mapping_change", args=[self.pk])


class SingleSignOnSession(models.Model):
    """Which session a provider's sign-in made, so that the provider's back-channel logout ends it."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    sid = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["provider", "subject"], name="core_sso_session_subject_idx")]

    def __str__(self) -> str:
        return f"{self.user} through {self.provider}"


class SingleSignOnLogoutToken(models.Model):
    """A back-channel logout token already acted on (its `jti`), so that a replayed one is refused
    (OpenID Connect Back-Channel Logout 1.0 §2.6). Forgotten after a day by the sessions' job:
    a token over five minutes old is refused anyway."""

    provider = models.CharField(max_length=40)
    jti = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "jti"], name="core_sso_logout_token_once")]

    def __str__(self) -> str:
        return f"Logout token {self.jti} from {self.provider}"

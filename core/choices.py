from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth Justice"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    LICENSING = "licensing", "Licensing"
    TRANSPORT = "transport", "Transport"
    YOUTH_SERVICES = "youth_services", "Youth services"
    COUNCIL = "council", "Council"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"
    SEARCH = "search", "Searched"


class AccountEmailKind(models.TextChoices):
    WELCOME = "welcome", "Account created: set your password and your authenticator"
    PASSWORD_LINK = "password_link", "Link to set a password"
    ENROLMENT_LINK = "enrolment_link", "Link to set up an authenticator"
    EMAIL_CHANGED = "email_changed", "Notice to the old address of an e-mail change"


class MappingChangeAction(models.TextChoices):
    ADD = "add", "Map the group"
    REMOVE = "remove", "Stop mapping the group"


class MappingChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for a group manager"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"

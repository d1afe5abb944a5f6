from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth Justice"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    COUNCIL = "council", "Council"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"
    SEARCH = "search", "Searched"

from django.db import models


class PanelStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


ALLOWED_PANEL_TRANSITIONS: dict[str, frozenset[str]] = {
    PanelStatus.SCHEDULED: frozenset({PanelStatus.OPEN}),
    PanelStatus.OPEN: frozenset({PanelStatus.CLOSED}),
    PanelStatus.CLOSED: frozenset(),
}


class ItemKind(models.TextChoices):
    FIRST_PANEL = "first_panel", "First panel"
    REVIEW = "review", "Review"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    PLACING_AUTHORITY_REQUEST = "placing_authority_request", "Placing authority asking for a CATE service"


class RagColour(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SafetyPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    SUPERSEDED = "superseded", "Superseded"


ALLOWED_SAFETY_PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    SafetyPlanStatus.DRAFT: frozenset({SafetyPlanStatus.AGREED}),
    SafetyPlanStatus.AGREED: frozenset({SafetyPlanStatus.SUPERSEDED}),
    SafetyPlanStatus.SUPERSEDED: frozenset(),
}


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"

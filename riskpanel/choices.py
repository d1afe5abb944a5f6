"""Code lists of the risk panel. Statuses change only along the ALLOWED_* tables."""

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

# A panel's agenda changes until it closes; decisions are recorded once it has met.
AGENDA_EDITABLE = frozenset({PanelStatus.SCHEDULED, PanelStatus.OPEN})
DECISIONS_ALLOWED = frozenset({PanelStatus.OPEN, PanelStatus.CLOSED})


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class ItemKind(models.TextChoices):
    FIRST_PANEL = "first_panel", "First panel"
    REVIEW = "review", "Review"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    PLACING_AUTHORITY_REQUEST = "placing_authority_request", "Placing authority asking for a CATE service"


# Items the chair adds by hand (the others come from the records).
MANUAL_ITEM_KINDS = (ItemKind.INFORMATION_SHARING, ItemKind.PLACING_AUTHORITY_REQUEST)


class RagColour(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


# Colours that make a strategy meeting due (001:L1644-1647).
STRATEGY_MEETING_COLOURS = frozenset({RagColour.RED, RagColour.AMBER})


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


ALLOWED_ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.CANCELLED: frozenset(),
}


class AgencyActionsShown(models.TextChoices):
    """Which of its agency's actions a partner's list shows."""

    OPEN = "open", "Open"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"

"""Rules of the multi-agency work that need no database: the colour of a risk level, review dates
derived from the clock and settings, what an action and a safety plan must hold, and the words the
chronology uses for days."""

from __future__ import annotations

import datetime as dt

from cate.choices import RISK_ORDER, ChronologyKind, RiskLevel
from core import clock

from .choices import STRATEGY_MEETING_COLOURS, ActionStatus, RagColour

# The most panels scheduled at once.
MAX_SCHEDULED_AT_ONCE = 26

# The sections of a safety plan, as the services take them.
SAFETY_PLAN_FIELDS = (
    "risks",
    "keeping_safe",
    "who_does_what",
    "key_worker",
    "key_worker_contact",
    "out_of_hours_contacts",
    "other_contacts",
    "young_person_involvement",
    "young_person_said",
    "family_involvement",
    "family_said",
    "on_child_protection_plan",
)


def next_meets_at(last_meets_at: dt.datetime, settings, *, now: dt.datetime) -> dt.datetime:
    """When the panel after one meeting at `last_meets_at` meets: `panel_schedule_interval` later,
    and after a gap the schedule resumes at its next date after `now`."""
    meets_at = settings.due("panel_schedule_interval", last_meets_at)
    while meets_at <= now:
        meets_at = settings.due("panel_schedule_interval", meets_at)
    return meets_at


def day_text(moment: dt.datetime) -> str:
    """The local day of a moment, as the chronology writes it ("5 Mar 2030")."""
    return f"{clock.local(moment):%-d %b %Y}"


def date_text(day: dt.date) -> str:
    return f"{day:%-d %b %Y}"


# --- Decisions -------------------------------------------------------------------------------


def rag_colour(level: str, settings) -> RagColour:
    """The red/amber/green colour of a risk level, from the council's mapping setting."""
    return RagColour(settings["rag_mapping"][RiskLevel(level)])


def needs_panel(level: str, settings) -> bool:
    """Whether a case at this risk level needs a risk panel's decision: its colour (the council's
    mapping setting) is red or amber, the colours whose cases the panel sends to a strategy meeting.
    A case with no risk level set yet needs none by this rule (its first panel is due by the clock)."""
    return bool(level) and rag_colour(level, settings) in STRATEGY_MEETING_COLOURS


def default_next_review_on(level: str, decided_at: dt.datetime, settings) -> dt.date:
    """The next panel review: `panel_review_<level>` after the decision."""
    return clock.local_date(settings.due(f"panel_review_{RiskLevel(level)}", decided_at))


def risk_levels_highest_first() -> list[tuple[str, RiskLevel]]:
    """The risk levels a panel chooses from, highest first, as (value, level)."""
    return [(level.value, level) for level in reversed(RISK_ORDER)]


# --- Strategy meetings -----------------------------------------------------------------------


def strategy_meeting_timescale(is_review: bool) -> str:
    """The timescale setting a strategy meeting (or its review) is due by."""
    return "strategy_meeting_review" if is_review else "strategy_meeting"


# --- Safety plans ----------------------------------------------------------------------------


def default_safety_plan_review_on(agreed_at: dt.datetime, settings) -> dt.date:
    return clock.local_date(settings.due("safety_plan_review", agreed_at))


# What an agreed plan must hold, section by section, and what to do when one is empty. A draft
# may leave any of them empty (other_contacts and key_worker_contact are never needed).
SAFETY_PLAN_NEEDED = {
    "risks": "Enter what we are worried about",
    "keeping_safe": "Enter what helps keep the young person safe",
    "who_does_what": "Enter who will do what, and by when",
    "key_worker": "Enter the key worker's name",
    "out_of_hours_contacts": "Enter the out-of-hours numbers",
    "young_person_involvement": "Enter how the young person was involved",
    "young_person_said": "Enter what the young person said",
    "family_involvement": "Enter how parents or carers were involved",
    "family_said": "Enter what parents or carers said",
    "on_child_protection_plan": "Say whether the young person is on a child protection plan",
}


def safety_plan_missing(sections: dict) -> dict[str, str]:
    """Every section a plan still needs before it is agreed, by field, with what to do (empty
    when it is complete). `sections` maps section names to values (a plan's or a form's)."""
    missing = {}
    for name, message in SAFETY_PLAN_NEEDED.items():
        value = sections.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing[name] = message
    return missing


def safety_plan_sections(fields: dict) -> dict:
    """The sections given, trimmed; anything else is a programming error."""
    unknown = set(fields) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not safety plan sections: {', '.join(sorted(unknown))}")
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


# --- Actions ---------------------------------------------------------------------------------


def action_errors(*, description: str, owner_agency, owner, owner_name: str, due_on, today: dt.date) -> dict:
    """What is missing or wrong in an action, by field (empty when it is complete)."""
    errors = {}
    if not description.strip():
        errors["description"] = "Enter what is to be done"
    if owner_agency is None:
        errors["owner_agency"] = "Choose the agency that owns the action"
    if owner is None and not owner_name.strip():
        errors["owner"] = "Choose the person who owns the action, or enter their name"
    elif owner is not None and owner_agency is not None and owner.agency_id not in (None, owner_agency.pk):
        errors["owner"] = f"{owner} does not work for {owner_agency}"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < today:
        errors["due_on"] = "The due date must be today or in the future"
    return errors


def action_closed_message(action) -> str:
    """Why nothing more can be recorded on an action that is no longer open, and what to do."""
    word = "done" if action.status == ActionStatus.DONE else "cancelled"
    return (
        f"This action has been {word}, so nothing more can be recorded on it. "
        "If more needs to be done, agree a new action with the case's worker."
    )


def action_chronology_kind(action) -> str:
    """The chronology an action's events go under: the panel's, the strategy meeting's, or other."""
    if action.decision_id:
        return ChronologyKind.PANEL
    if action.strategy_meeting_id:
        return ChronologyKind.STRATEGY_MEETING
    return ChronologyKind.OTHER

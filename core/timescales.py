"""The registry of every timescale and service setting, with the defaults of DESIGN.md §2.

A council changes a value in the app (Settings, group managers only); the value is stored in
core.ServiceSetting with history and read by services through core.selectors.service_settings().
No database access here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .clock import Duration, Unit


class Kind(enum.StrEnum):
    DURATION = "duration"
    INTEGER = "integer"
    FREQUENCY = "frequency"
    RAG_MAPPING = "rag_mapping"
    ROLE = "role"  # a group of staff, by their role (core.roles.Role's value)


RISK_LEVELS: tuple[tuple[str, str], ...] = (
    ("low", "Low"),
    ("low_medium", "Low-Medium"),
    ("medium", "Medium"),
    ("medium_high", "Medium-High"),
    ("high", "High"),
)
RAG_COLOURS: tuple[tuple[str, str], ...] = (("red", "Red"), ("amber", "Amber"), ("green", "Green"))


@dataclass(frozen=True)
class Frequency:
    """Expected contact: `visits` visits every `per_days` days."""

    visits: int
    per_days: int

    def __str__(self) -> str:
        times = {1: "once", 2: "twice"}.get(self.visits, f"{self.visits} times")
        period = {7: "a week", 14: "a fortnight"}.get(self.per_days, f"every {self.per_days} days")
        return f"{times} {period}"

    @property
    def interval(self) -> timedelta:
        return timedelta(days=self.per_days) / self.visits

    def as_json(self) -> dict:
        return {"visits": self.visits, "per_days": self.per_days}


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    label: str
    group: str
    kind: Kind
    default: Any
    starts: str = ""
    source: str = ""
    # How long before a due time an item shows as "due soon" (durations only).
    soon: timedelta = field(default=timedelta(hours=24))

    def to_json(self, value: Any) -> Any:
        if self.kind in (Kind.DURATION, Kind.FREQUENCY):
            return value.as_json()
        return value

    def from_json(self, raw: Any) -> Any:
        if self.kind is Kind.DURATION:
            return Duration.from_json(raw)
        if self.kind is Kind.FREQUENCY:
            return Frequency(visits=int(raw["visits"]), per_days=int(raw["per_days"]))
        if self.kind is Kind.RAG_MAPPING:
            return {level: raw.get(level, self.default[level]) for level, _ in RISK_LEVELS}
        if self.kind is Kind.ROLE:
            return str(raw)
        return int(raw)


WD, WH, CD, CH, WK, MO = (
    Unit.WORKING_DAYS,
    Unit.WORKING_HOURS,
    Unit.CALENDAR_DAYS,
    Unit.CLOCK_HOURS,
    Unit.WEEKS,
    Unit.MONTHS,
)
TIMESCALES = "Timescales"
PANEL = "Risk panel reviews"
VISITS = "Visits to the child"
CASELOADS = "Caseloads and risk"
ALERTS = "Alerts"
FRONT_DOOR = "Front door"
CONTEXTS = "Contexts (places and peer groups)"
SUPPORT = "Support for the child"


def _d(key, label, amount, unit, *, starts, source="", soon=timedelta(hours=24), group=TIMESCALES):
    return SettingDefinition(
        key=key,
        label=label,
        group=group,
        kind=Kind.DURATION,
        default=Duration(amount, unit),
        starts=starts,
        source=source,
        soon=soon,
    )


DEFINITIONS: tuple[SettingDefinition, ...] = (
    _d(
        "contact_decision",
        "Decision on a contact",
        1,
        WD,
        starts="contact received",
        source="Working Together 2023",
        soon=timedelta(hours=4),
    ),
    _d(
        "mace_response",
        "Partner agency response to a multi-agency child enquiry",
        4,
        WH,
        starts="enquiry sent",
        soon=timedelta(hours=1),
    ),
    _d(
        "early_help_follow_up",
        "Follow-up of an early-help referral to another agency",
        10,
        WD,
        starts="outcome decided",
        source="scrutiny Rec 23 (002:L474)",
        soon=timedelta(days=2),
    ),
    _d(
        "detailed_assessment",
        "Detailed assessment of a CATE referral",
        45,
        WD,
        starts="referral",
        source="Working Together 2023",
        soon=timedelta(days=7),
    ),
    _d(
        "allocation",
        "Allocation of an opened case",
        1,
        WD,
        starts="case opened",
        source="Primero and MASH practice",
        soon=timedelta(hours=4),
    ),
    _d(
        "nrm_referral",
        "NRM referral for an open CATE case",
        5,
        WD,
        starts="case opened",
        source="council policy (000:L154)",
        soon=timedelta(days=2),
    ),
    _d(
        "gp_letter",
        "GP letter",
        5,
        WD,
        starts="allocation; discussion at panel",
        source="002:L314, 001:L1501",
        soon=timedelta(days=2),
    ),
    _d(
        "first_panel",
        "First risk panel",
        42,
        CD,
        starts="allocation",
        source="within six weeks (001:L1640)",
        soon=timedelta(days=7),
    ),
    _d(
        "strategy_meeting",
        "Strategy meeting after a red or amber decision",
        5,
        WD,
        starts="panel decision",
        soon=timedelta(days=2),
    ),
    _d(
        "strategy_meeting_review",
        "Strategy meeting review",
        6,
        WK,
        starts="last strategy meeting",
        soon=timedelta(days=7),
    ),
    _d("safety_plan_review", "Safety plan review", 12, WK, starts="plan agreed", soon=timedelta(days=14)),
    _d(
        "return_home_interview",
        "Return home interview",
        72,
        CH,
        starts="child returns from a missing episode",
        source="statutory guidance on missing children; 000:L122",
        soon=timedelta(hours=24),
    ),
    _d(
        "post17_transition",
        "Post-17 transition meeting (after the 17th birthday)",
        3,
        MO,
        starts="17th birthday (or opening, if older)",
        source="IITCSE Rec 11 (000:L84)",
        soon=timedelta(weeks=4) + timedelta(days=92),
    ),
    SettingDefinition(
        "post17_transition_earliest_months",
        "Post-17 transition meeting can be held from (months before the 17th birthday)",
        TIMESCALES,
        Kind.INTEGER,
        3,
        source="IITCSE Rec 11 (000:L84): planning starts before the young person turns 17",
    ),
    _d("panel_review_high", "Panel review: High", 12, WK, starts="last panel", group=PANEL, soon=timedelta(days=14)),
    _d(
        "panel_review_medium_high",
        "Panel review: Medium-High",
        12,
        WK,
        starts="last panel",
        group=PANEL,
        soon=timedelta(days=14),
    ),
    _d(
        "panel_review_medium", "Panel review: Medium", 12, WK, starts="last panel", group=PANEL, soon=timedelta(days=14)
    ),
    _d(
        "panel_review_low_medium",
        "Panel review: Low-Medium",
        12,
        WK,
        starts="last panel",
        group=PANEL,
        soon=timedelta(days=14),
    ),
    _d("panel_review_low", "Panel review: Low", 12, WK, starts="last panel", group=PANEL, soon=timedelta(days=14)),
    SettingDefinition(
        "visit_frequency_high", "Visits: High", VISITS, Kind.FREQUENCY, Frequency(2, 7), source="001:L2294"
    ),
    SettingDefinition("visit_frequency_medium_high", "Visits: Medium-High", VISITS, Kind.FREQUENCY, Frequency(1, 7)),
    SettingDefinition("visit_frequency_medium", "Visits: Medium", VISITS, Kind.FREQUENCY, Frequency(1, 7)),
    SettingDefinition("visit_frequency_low_medium", "Visits: Low-Medium", VISITS, Kind.FREQUENCY, Frequency(1, 14)),
    SettingDefinition("visit_frequency_low", "Visits: Low", VISITS, Kind.FREQUENCY, Frequency(1, 14)),
    SettingDefinition(
        "visit_frequency_not_assessed",
        "Visits: risk level not yet set",
        VISITS,
        Kind.FREQUENCY,
        Frequency(1, 7),
        starts="allocation, until the first risk assessment or panel decision",
    ),
    SettingDefinition(
        "caseload_limit",
        "Caseload limit per worker (open cases)",
        CASELOADS,
        Kind.INTEGER,
        10,
        source="NWG: 8-10 high-priority (001:L2288)",
    ),
    SettingDefinition(
        "rag_mapping",
        "Risk level colours (red and amber need a strategy meeting)",
        CASELOADS,
        Kind.RAG_MAPPING,
        {"high": "red", "medium_high": "amber", "medium": "amber", "low_medium": "green", "low": "green"},
    ),
    _d("panel_schedule_interval", "Risk panel meets every", 14, CD, starts="last panel", group=PANEL),
    SettingDefinition(
        "panel_capacity",
        "Cases a risk panel can discuss (places on its agenda)",
        PANEL,
        Kind.INTEGER,
        12,
        source="the chair picks the due cases up to this number; the rest wait for the next panel",
    ),
    _d(
        "alert_escalation_grace",
        "Overdue items escalate to the team leader after",
        1,
        WD,
        starts="due time",
        group=ALERTS,
    ),
    SettingDefinition(
        "repeat_contacts_alert",
        "Contacts about one child that raise a repeat-contact alert",
        FRONT_DOOR,
        Kind.INTEGER,
        3,
        source="three records of the same name raise an alert (001:L1372-1373)",
    ),
    _d(
        "repeat_contacts_window",
        "Period in which repeat contacts are counted",
        12,
        MO,
        starts="the latest contact, counting back",
        source="issue 3: three or more contacts in twelve months",
        group=FRONT_DOOR,
    ),
    _d(
        "context_assessment",
        "Context assessment (a location, school, online space or peer group)",
        35,
        WD,
        starts="assessment opened",
        source="Contextual Safeguarding Network practice",
        soon=timedelta(days=7),
        group=CONTEXTS,
    ),
    _d(
        "context_plan_review",
        "Context plan review",
        12,
        WK,
        starts="plan agreed; last review",
        soon=timedelta(days=14),
        group=CONTEXTS,
    ),
    SettingDefinition(
        "safeguarding_advisors",
        "Safeguarding advisors told at once of a Complex or Acute threshold decision",
        FRONT_DOOR,
        Kind.ROLE,
        "fc_manager",
        source="the front door's alerts and triggers (001:L1368-1380)",
    ),
    SettingDefinition(
        "same_name_records_alert",
        "Child records of the same name that alert the Family Connect managers",
        FRONT_DOOR,
        Kind.INTEGER,
        3,
        source="three records of the same name raise an alert (001:L1372-1373)",
    ),
    _d(
        "missing_cse_assessment",
        "CSE-link assessment of a missing-from-home report",
        1,
        WD,
        starts="report logged",
        source="001:L1376-1380",
        soon=timedelta(hours=4),
        group=FRONT_DOOR,
    ),
    SettingDefinition(
        "missing_education_days",
        "School days missed before a child missing from education is reported",
        FRONT_DOOR,
        Kind.INTEGER,
        10,
        source="001:L1378-1380",
    ),
    _d(
        "sexual_health_check",
        "Sexual health check of an open CSE case",
        10,
        WD,
        starts="case opened",
        source="Rec 9: the sexual health service from 13, the SARC under 13",
        soon=timedelta(days=7),
        group=SUPPORT,
    ),
    _d(
        "support_reoffer",
        "Support offered again after it was declined or the child did not engage",
        3,
        MO,
        starts="support declined or not engaging",
        source="SCR Rec 8",
        soon=timedelta(days=14),
        group=SUPPORT,
    ),
)

REGISTRY: dict[str, SettingDefinition] = {d.key: d for d in DEFINITIONS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(d.group for d in DEFINITIONS))


def definition(key: str) -> SettingDefinition:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"No setting called {key!r}") from None

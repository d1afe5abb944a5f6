"""The panel's decisions on cases: risk level and colour, rationale, next review, GP letter."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cate.choices import ChronologyKind, GpLetterTrigger, RiskLevel, RiskSource
from cate.services import case_set_risk_level, chronology_record, gp_letter_create
from core import audit, clock
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings

from ..choices import DECISIONS_ALLOWED, STRATEGY_MEETING_COLOURS
from ..models import AgendaItem, PanelDecision
from ..permissions import CHAIR_PANEL, require_chair_case
from ..rules import date_text, day_text, default_next_review_on, rag_colour
from ._common import refuse
from .strategy_meetings import strategy_meeting_make_due


def panel_decision_record(
    *,
    item: AgendaItem,
    actor,
    risk_level: str,
    rationale: str,
    next_review_on: dt.date | None = None,
    send_gp_letter: bool = True,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> PanelDecision:
    """The panel's decision on a case: risk level and colour, rationale, next review. The level
    becomes the case's current risk level; red or amber makes a strategy meeting due; the GP
    letter is generated when asked (002:L314)."""
    require(actor, CHAIR_PANEL, "Only the chair can record the panel's decisions.")
    now = now or timezone.now()
    settings = service_settings()
    errors = {}
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "Choose the risk level the panel agreed"
    if not rationale.strip():
        errors["rationale"] = "Enter the reasons for the panel's decision"
    if next_review_on is not None and next_review_on <= clock.local_date(now):
        errors["next_review_on"] = "The next review date must be in the future"
    refuse(errors)
    level = RiskLevel(risk_level)
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update(of=("self",))
        item = locked.select_related("meeting", "case__child").get(pk=item.pk)
        check_version(item, expected_version)
        if item.case is None:
            raise ValidationError("An item without a case has an outcome, not a risk decision.")
        require_chair_case(actor, item.case, "You cannot record a decision on this case.")
        if item.meeting.status not in DECISIONS_ALLOWED:
            raise ValidationError("Open the panel before recording its decisions.")
        if item.is_withdrawn:
            raise ValidationError("This item has been withdrawn from the agenda.")
        if item.is_carried:
            raise ValidationError("This item was carried to the next panel: record the decision there.")
        if PanelDecision.objects.filter(item=item).exists():
            raise ValidationError("The panel's decision on this item has already been recorded.")
        colour = rag_colour(level, settings)
        review_on = next_review_on or default_next_review_on(level, now, settings)
        letter = None
        if send_gp_letter:
            letter = gp_letter_create(case=item.case, trigger=GpLetterTrigger.PANEL, actor=actor)
        decision = PanelDecision(
            item=item,
            risk_level=level,
            colour=colour,
            rationale=rationale.strip(),
            next_review_on=review_on,
            decided_at=now,
            decided_by=actor,
            gp_letter=letter,
        )
        audit.save(decision, actor=actor, reason=f"Risk panel decision: {level.label} ({colour.label.lower()})")
        panel_day = day_text(item.meeting.meets_at)
        case_set_risk_level(
            case=item.case,
            level=level,
            source=RiskSource.PANEL,
            actor=actor,
            reason=f"Risk panel on {panel_day}: {level.label} ({colour.label.lower()})",
            at=now,
        )
        chronology_record(
            case=item.case,
            kind=ChronologyKind.PANEL,
            summary=(
                f"Risk panel on {panel_day} agreed {level.label} ({colour.label.lower()}); "
                f"next review by {date_text(review_on)}"
            ),
            detail=decision.rationale,
            actor=actor,
            occurred_at=now,
            significant=True,
        )
        if colour in STRATEGY_MEETING_COLOURS:
            strategy_meeting_make_due(decision, actor=actor, settings=settings, now=now)
    return decision


def panel_decision_send_gp_letter(*, decision: PanelDecision, actor) -> PanelDecision:
    """Answer the prompt after the decision: generate the GP letter for the discussion at panel."""
    require(actor, CHAIR_PANEL, "Only the chair can send the panel's GP letters.")
    with transaction.atomic():
        locked = PanelDecision.objects.select_for_update(of=("self",))
        decision = locked.select_related("item__case").get(pk=decision.pk)
        if decision.gp_letter_id is not None:
            return decision
        decision.gp_letter = gp_letter_create(case=decision.item.case, trigger=GpLetterTrigger.PANEL, actor=actor)
        audit.save_change(decision, actor=actor, reason="GP letter generated after the panel", fields=["gp_letter"])
    return decision

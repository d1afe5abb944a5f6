"""Pure rules of intelligence and disruption: no database."""

from __future__ import annotations

import datetime as dt

from .choices import (
    Audience,
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
    SourceType,
    Tactic,
)


def submission_errors(*, source_type: str, what_seen: str, seen_at: dt.datetime | None, now: dt.datetime) -> dict:
    errors: dict[str, list[str]] = {}
    if source_type not in SourceType.values:
        errors["source_type"] = ["Select who the intelligence comes from"]
    if not (what_seen or "").strip():
        errors["what_seen"] = ["Enter what was seen or heard"]
    if seen_at is not None and seen_at > now:
        errors["seen_at"] = ["When it was seen must be in the past"]
    return errors


def grading_errors(
    *,
    source_evaluation: str,
    assessment: str,
    handling_code: str,
    conditions: str,
    original_readers,
    review_on: dt.date | None,
    today: dt.date,
) -> dict:
    errors: dict[str, list[str]] = {}
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = ["Select the source evaluation (1 to 3)"]
    if assessment not in IntelligenceAssessment.values:
        errors["assessment"] = ["Select the intelligence assessment (A to E)"]
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = ["Select the handling code (P or C)"]
    if handling_code == HandlingCode.C and not (conditions or "").strip():
        errors["conditions"] = ["Enter the conditions it may be shared under"]
    if any(reader not in Audience.values for reader in original_readers or ()):
        errors["original_readers"] = ["Select from the list"]
    if review_on is None:
        errors["review_on"] = ["Enter the date to review it by"]
    elif review_on < today:
        errors["review_on"] = ["The review date must be today or later"]
    return errors


def disruption_errors(
    *,
    tactic: str,
    description: str,
    lead_agency,
    owner,
    owner_name: str,
    planned_on: dt.date | None,
    due_on: dt.date | None,
    target_kind: str,
    awn_expires_on: dt.date | None,
) -> dict:
    errors: dict[str, list[str]] = {}
    if tactic not in Tactic.values:
        errors["tactic"] = ["Select the tactic"]
    if not (description or "").strip():
        errors["description"] = ["Enter what is planned"]
    if lead_agency is None:
        errors["lead_agency"] = ["Select the lead agency"]
    if owner is None and not (owner_name or "").strip():
        errors["owner_name"] = ["Select the owner or enter their name"]
    if planned_on is None:
        errors["planned_on"] = ["Enter when it is planned for"]
    if due_on is None:
        errors["due_on"] = ["Enter when it is due by"]
    elif planned_on is not None and due_on < planned_on:
        errors["due_on"] = ["The due date must be on or after the planned date"]
    if tactic == Tactic.CAWN and target_kind != "person":
        errors["tactic"] = ["A Child Abduction Warning Notice is served on a person"]
    if awn_expires_on is not None and tactic != Tactic.CAWN:
        errors["awn_expires_on"] = ["Only a Child Abduction Warning Notice has an expiry date"]
    if awn_expires_on is not None and planned_on is not None and awn_expires_on < planned_on:
        errors["awn_expires_on"] = ["The notice must expire after it is served"]
    return errors

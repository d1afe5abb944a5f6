"""The disruption register: planned and done disruption against persons, places and vehicles
(001 L1832-1835). Each disruption is an action on the multi-agency action list (riskpanel's), owned
by its lead agency, who update and complete it there; one that could affect an investigation waits
for a police reviewer's agreement before it is done; a Child Abduction Warning Notice done here is
written on the person's record (network's service)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version
from core.workflow import transition
from network.choices import NodeKind
from network.services import node_for, person_update
from riskpanel.choices import ActionStatus
from riskpanel.services import register_action_close, register_action_create

from ..choices import ALLOWED_DISRUPTION_TRANSITIONS, DisruptionStatus, Tactic
from ..models import Disruption
from ..permissions import require_agree_for_police, require_record_disruption
from ..rules import disruption_errors
from ._common import refuse, save_with_reference

_TARGETS = {"network.Person": NodeKind.PERSON, "network.Place": NodeKind.PLACE, "network.Vehicle": NodeKind.VEHICLE}


def disruption_record(
    *,
    actor,
    target,
    tactic: str,
    description: str,
    lead_agency,
    planned_on: dt.date | None,
    due_on: dt.date | None,
    owner=None,
    owner_name: str = "",
    could_affect_investigation: bool = False,
    awn_expires_on: dt.date | None = None,
    report=None,
    now: dt.datetime | None = None,
) -> Disruption:
    """Plan a disruption against a person, place or vehicle, and put it on the action list."""
    require_record_disruption(actor)
    now = now or timezone.now()
    target_kind = _TARGETS.get(getattr(target, "_meta", None) and target._meta.label, "")
    errors = disruption_errors(
        tactic=tactic,
        description=description,
        lead_agency=lead_agency,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        due_on=due_on,
        target_kind=target_kind,
        awn_expires_on=awn_expires_on,
    )
    if not target_kind:
        errors["target"] = ["Select the person, place or vehicle to disrupt"]
    refuse(errors)
    with transaction.atomic():
        disruption = Disruption(
            target=node_for(target),
            report=report,
            tactic=tactic,
            description=description.strip(),
            lead_agency=lead_agency,
            owner=owner,
            owner_name="" if owner is not None else owner_name.strip(),
            planned_on=planned_on,
            due_on=due_on,
            could_affect_investigation=could_affect_investigation,
            status=DisruptionStatus.AWAITING_AGREEMENT if could_affect_investigation else DisruptionStatus.PLANNED,
            awn_expires_on=awn_expires_on,
            created_by=actor,
        )
        save_with_reference(disruption, code="DIS", now=now, actor=actor, reason="Disruption planned")
        # The register's action on the multi-agency list: the lead agency owns it and updates it there.
        action = register_action_create(
            actor=actor,
            description=f"Disruption {disruption.reference} ({Tactic(tactic).label}) of {target}: "
            f"{disruption.description}",
            owner_agency=lead_agency,
            owner=owner,
            owner_name=disruption.owner_name,
            due_on=max(due_on, clock.local_date(now)),
            now=now,
        )
        disruption.action = action
        audit.save_change(disruption, actor=actor, reason="On the multi-agency action list", fields=["action"])
    return disruption


def _lock(disruption: Disruption, expected_version: int | None) -> Disruption:
    disruption = (
        Disruption.objects.select_for_update(of=("self",))
        .select_related("target__person", "action")
        .get(pk=disruption.pk)
    )
    check_version(disruption, expected_version)
    return disruption


def disruption_agree(
    *, disruption: Disruption, actor, note: str, expected_version: int | None = None, now: dt.datetime | None = None
) -> Disruption:
    """A police reviewer agrees a disruption that could affect an investigation may go ahead."""
    require_agree_for_police(actor)
    now = now or timezone.now()
    if not (note or "").strip():
        raise ValidationError({"note": ["Enter what the police agreed (and any conditions)"]})
    with transaction.atomic():
        disruption = _lock(disruption, expected_version)
        transition(disruption.status, DisruptionStatus.AGREED, ALLOWED_DISRUPTION_TRANSITIONS, "disruption")
        disruption.status = DisruptionStatus.AGREED
        disruption.agreed_by, disruption.agreed_at, disruption.agreement_note = actor, now, note.strip()
        audit.save_change(disruption, actor=actor, reason="Agreed by the police")
    return disruption


def disruption_close(
    *,
    disruption: Disruption,
    actor,
    status: str,
    outcome: str,
    done_on: dt.date | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Disruption:
    """Done (with its outcome and date) or cancelled (with why). One that could affect an
    investigation is done only after the police agreed; a notice done here goes on the person."""
    require_record_disruption(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if status not in (DisruptionStatus.DONE, DisruptionStatus.CANCELLED):
        errors["status"] = ["Select done or cancelled"]
    if not (outcome or "").strip():
        errors["outcome"] = ["Enter the outcome" if status == DisruptionStatus.DONE else "Enter why it was cancelled"]
    if status == DisruptionStatus.DONE:
        if done_on is None:
            errors["done_on"] = ["Enter when it was done"]
        elif done_on > clock.local_date(now):
            errors["done_on"] = ["When it was done must be today or in the past"]
    refuse(errors)
    with transaction.atomic():
        disruption = _lock(disruption, expected_version)
        if status == DisruptionStatus.DONE and disruption.status == DisruptionStatus.AWAITING_AGREEMENT:
            raise ValidationError(
                {"status": ["It could affect an investigation: a police reviewer must agree before it is done"]}
            )
        transition(disruption.status, status, ALLOWED_DISRUPTION_TRANSITIONS, "disruption")
        disruption.status, disruption.outcome = status, outcome.strip()
        disruption.done_on = done_on if status == DisruptionStatus.DONE else None
        audit.save_change(disruption, actor=actor, reason=f"Disruption {DisruptionStatus(status).label.lower()}")
        if status == DisruptionStatus.DONE and disruption.tactic == Tactic.CAWN:
            person = disruption.target.person
            person_update(
                person=person,
                actor=actor,
                awn_issued_on=done_on,
                awn_issued_by=str(disruption.lead_agency),
                awn_expires_on=disruption.awn_expires_on,
            )
        action = disruption.action
        if action is not None and action.status == ActionStatus.OPEN:
            register_action_close(
                action=action, actor=actor, done=status == DisruptionStatus.DONE, note=outcome.strip(), now=now
            )
    return disruption

"""Letters to the child's GP practice: generated on allocation, after a risk panel and when the case
is to close, and recorded as sent."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings

from ..choices import CaseStatus, ChronologyKind, GpLetterTrigger
from ..models import Case, GpLetter
from ..permissions import CHANGE_GP_LETTER, require_work_on_case, require_write_gp_letter
from ._common import CASE_CLOSED, day_start, lock_case, not_in_future, require_live
from .chronology import chronology_record


def gp_letter_create(*, case: Case, trigger: str, actor) -> GpLetter:
    """Generate the letter to the child's GP practice (on allocation; on discussion at panel)."""
    require_write_gp_letter(actor, case)
    trigger = GpLetterTrigger(trigger)
    now = timezone.now()
    registered = case.child.registered_practice
    with transaction.atomic():
        letter = GpLetter(
            case=case,
            trigger=trigger,
            practice=registered.name if registered else case.child.gp_practice,
            practice_code=registered.code if registered else "",
            practice_address="\n".join(registered.address_lines) if registered else "",
            sender=case.allocated_worker or actor,
            generated_at=now,
            generated_by=actor,
            due_at=service_settings().due("gp_letter", now),
            body=render_to_string("cate/gp_letter_body.txt", {"case": case, "child": case.child, "trigger": trigger}),
        )
        audit.save(letter, actor=actor, reason=f"GP letter generated ({trigger.label.lower()})")
        chronology_record(
            case=case,
            kind=ChronologyKind.GP_LETTER,
            actor=actor,
            occurred_at=now,
            summary=f"GP letter generated ({trigger.label.lower()})",
        )
    return letter


def gp_letter_closure_write(*, case: Case, actor) -> GpLetter:
    """Write the letter telling the GP practice that the case is closing. One per opening: while the
    one written is not sent, it is the letter (a second request gives it back)."""
    require_work_on_case(actor, case)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        unsent = (
            case.gp_letters.filter(
                trigger=GpLetterTrigger.CLOSURE, generated_at__gte=case.live_since, sent_on__isnull=True
            )
            .order_by("-generated_at", "-id")
            .first()
        )
        if unsent is not None:
            return unsent
        return gp_letter_create(case=case, trigger=GpLetterTrigger.CLOSURE, actor=actor)


def gp_letter_mark_sent(*, letter: GpLetter, sent_on: dt.date, actor, expected_version: int | None = None) -> GpLetter:
    """Record that the letter went to the GP practice, and when (002:L314)."""
    case = letter.case
    require_work_on_case(actor, case, CHANGE_GP_LETTER)
    if sent_on is None:
        raise ValidationError({"sent_on": "Enter the date the letter was sent"})
    not_in_future(sent_on, "The date sent", "sent_on")
    with transaction.atomic():
        case = lock_case(case)
        letter = GpLetter.objects.select_for_update().get(pk=letter.pk)
        check_version(letter, expected_version)
        if case.status == CaseStatus.CLOSED and letter.trigger != GpLetterTrigger.CLOSURE:
            # The letter telling the GP of the closure goes after the closure as well.
            raise ValidationError(CASE_CLOSED)
        if sent_on < clock.local_date(letter.generated_at):
            raise ValidationError({"sent_on": "The letter cannot be sent before it was written"})
        if letter.sent_on == sent_on:
            return letter
        letter.sent_on, letter.sent_by = sent_on, actor
        audit.save_change(letter, actor=actor, reason="GP letter sent", fields=["sent_on", "sent_by"])
        chronology_record(
            case=case,
            kind=ChronologyKind.GP_LETTER,
            actor=actor,
            occurred_at=day_start(sent_on),
            summary=f"GP letter sent to {letter.practice or 'the GP practice'}",
        )
    return letter

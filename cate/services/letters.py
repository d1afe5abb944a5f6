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

from ..choices import LIVE_CASE_STATUSES, CaseStatus, ChronologyKind, GpLetterTrigger
from ..models import Case, GpLetter
from ..permissions import CHANGE_GP_LETTER, require_work_on_case, require_write_gp_letter
from ._common import CASE_CLOSED, day_start, lock_case, not_in_future, require_live
from .chronology import chronology_record


def gp_letter_create(*, case: Case, trigger: str, actor) -> GpLetter:
    """Generate the letter to the child's GP practice (on allocation; on discussion at panel)."""
    require_write_gp_letter(actor, case)
    return _gp_letter_make(case=case, trigger=trigger, actor=actor)


def gp_letters_for_changed_practices(*, now=None) -> list[GpLetter]:
    """A job (issue 24): the child of a live, allocated case whose GP practice changed since the
    case's latest GP letter gets the letter to the new practice, due like any GP letter and on the
    worker's list (the `gp_letter` alert rule). Run twice, it writes each letter once: the new letter
    names the new practice."""
    actor = audit.system_user()
    made = []
    cases = (
        Case.objects.filter(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=False)
        .filter(gp_letters__isnull=False)
        .select_related("child", "child__registered_practice")
        .distinct()
    )
    latest = {}
    for case_id, practice, code in (
        GpLetter.objects.filter(case__in=cases.values("pk"))
        .exclude(trigger=GpLetterTrigger.CLOSURE)
        .order_by("case_id", "-generated_at", "-id")
        .values_list("case_id", "practice", "practice_code")
    ):
        latest.setdefault(case_id, (practice, code))
    for case in cases:
        if case.pk not in latest:
            continue
        child = case.child
        now_at = (
            (child.registered_practice.name, child.registered_practice.code)
            if child.registered_practice
            else (
                child.gp_practice,
                "",
            )
        )
        before = latest[case.pk]
        if not now_at[0] and not now_at[1]:
            continue  # no practice known now: nobody to write to
        if (now_at[1] and now_at[1] == before[1]) or (not now_at[1] and now_at[0].strip() == before[0].strip()):
            continue
        with transaction.atomic():
            locked = lock_case(case)
            if (
                GpLetter.objects.filter(case=locked, trigger=GpLetterTrigger.PRACTICE_CHANGE, sent_on__isnull=True)
                .filter(practice=now_at[0], practice_code=now_at[1])
                .exists()
            ):
                continue
            made.append(_gp_letter_make(case=locked, trigger=GpLetterTrigger.PRACTICE_CHANGE, actor=actor))
    return made


def _gp_letter_make(*, case: Case, trigger: str, actor) -> GpLetter:
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

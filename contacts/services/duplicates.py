"""Possible duplicates of children: found when a child is added or changed, resolved by a merge into
the restricted record or by marking the pair as two children.

Somebody who cannot see a restricted child finds nothing when they search, and may then add a second
record of the same child. After the add (or a change of the details that identify a child) commits,
`possible_duplicates_find` looks for records hidden from them that match by the rule of
`selectors.likely_duplicates` (or the same NHS number): each makes a pair, and the hidden record's
named staff are told at once (in the app and by e-mail, by record numbers only). The one who added or
changed the record learns nothing: their page is the same whether or not anything matched. Records
they were shown and said were another child are recorded as pairs too, for the Family Connect
managers' list, without an alert.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit, contract
from core.concurrency import check_version
from core.services import notification_send
from core.workflow import transition

from .. import duplicate_selectors, selectors
from ..choices import ALLOWED_DUPLICATE_TRANSITIONS, DuplicateFoundWhen, DuplicateStatus, RecordStatus
from ..models import Child, PossibleDuplicate
from ..permissions import require_resolve_duplicate
from .merge import merge_records

__all__ = [
    "IDENTIFYING_FIELDS",
    "possible_duplicate_mark_different",
    "possible_duplicate_merge",
    "possible_duplicate_resolve",
    "possible_duplicates_find",
]

# The details a match is made on: changing one of them looks for duplicates again.
IDENTIFYING_FIELDS = frozenset({"first_name", "last_name", "known_as", "date_of_birth", "postcode", "nhs_number"})


def possible_duplicates_find(
    *, child_id: int, actor, found_when: str, shown: Mapping[int, list[str]] | None = None
) -> list[PossibleDuplicate]:
    """Record the pairs the child makes with records hidden from `actor` and alert those records'
    named staff; and the pairs with the records `actor` was shown ({child id: reasons}) and said were
    another child. A pair already recorded (either way round, in any state) is not recorded again.
    Queued by child_create and child_update to run after their commit."""
    shown = shown or {}
    recorded = []
    with transaction.atomic():
        child = Child.objects.filter(pk=child_id, status=RecordStatus.ACTIVE).first()
        if child is None:
            return []
        details = {name: getattr(child, name) for name in IDENTIFYING_FIELDS}
        hidden = selectors.hidden_likely_duplicates(actor, exclude_pk=child.pk, **details)
        found = [(match.child, match.reasons, True) for match in hidden]
        if shown:
            others = Child.objects.filter(pk__in=list(shown), status=RecordStatus.ACTIVE).order_by("pk")
            found += [(other, shown[other.pk], False) for other in others if other.pk != child.pk]
        for existing, reasons, was_hidden in found:
            pair = _record(child, existing, reasons=reasons, was_hidden=was_hidden, actor=actor, found_when=found_when)
            if pair is None:
                continue
            recorded.append(pair)
            if was_hidden:
                _alert_named_staff(pair, hidden_record=existing)
    return recorded


def _record(child, existing, *, reasons, was_hidden, actor, found_when) -> PossibleDuplicate | None:
    if duplicate_selectors.possible_duplicate_recorded(child.pk, existing.pk):
        return None
    pair = PossibleDuplicate(
        child=child,
        existing=existing,
        matched_on="; ".join(reasons)[:200],
        found_when=found_when,
        found_by=actor,
        found_at=timezone.now(),
        existing_was_hidden=was_hidden,
    )
    what = DuplicateFoundWhen(found_when).label.lower()
    try:
        with transaction.atomic():  # a savepoint: the same pair found at once by two requests is kept once
            audit.save(pair, actor=actor, reason=f"Possible duplicate of child {existing.pk} found: {what}")
    except IntegrityError:
        return None
    return pair


def _alert_named_staff(pair: PossibleDuplicate, *, hidden_record: Child) -> None:
    """Tell the restricted record's named staff at once, by record numbers only (no names: the
    e-mail leaves the service)."""
    what = "added" if pair.found_when == DuplicateFoundWhen.ADDED else "changed"
    title = f"Possible duplicate of restricted record: child {hidden_record.pk}"
    body = (
        f"Child record {pair.child_id} was {what} and may be the same child as the restricted record "
        f"child {hidden_record.pk} (matched on: {pair.matched_on.lower()}). The person who {what} it "
        f"was not told. Open possible duplicate {pair.pk} to merge it into the restricted record, "
        "which stays restricted, or to mark them as different children."
    )
    url = reverse("contacts:duplicate_detail", args=[pair.pk])
    for user in duplicate_selectors.active_named_staff(hidden_record):
        notification_send(recipient=user, title=title, body=body, url=url, key=f"possible-duplicate:{pair.pk}")


def _restrict_like(child: Child, kept: Child, *, actor, reason: str) -> None:
    """Give the record to be merged the kept record's restriction and named staff, so that it (and
    what moves with it) is hidden from the same people from now on."""
    named = selectors.child_named_staff_ids(kept)
    if (child.is_restricted, selectors.child_named_staff_ids(child)) == (kept.is_restricted, named):
        return
    audit.attribute(child, actor=actor, reason=reason)
    child.restricted_to.set(named)
    child.is_restricted = kept.is_restricted
    audit.save_change(child, actor=actor, reason=reason, fields=["is_restricted"])
    contract.call("child_restriction_handlers", child=child, actor=actor, reason=reason)


def _resolve(pair: PossibleDuplicate, status: str, *, actor, reason: str, summary: str, merge=None) -> None:
    transition(pair.status, status, ALLOWED_DUPLICATE_TRANSITIONS, "possible duplicate")
    pair.status, pair.resolved_by, pair.resolved_at = status, actor, timezone.now()
    pair.resolution_reason, pair.merge = reason, merge
    audit.save_change(
        pair,
        actor=actor,
        reason=summary[:500],
        fields=["status", "resolved_by", "resolved_at", "resolution_reason", "merge"],
    )


def _lock(duplicate: PossibleDuplicate, expected_version: int | None) -> PossibleDuplicate:
    pair = PossibleDuplicate.objects.select_for_update().select_related("child", "existing").get(pk=duplicate.pk)
    check_version(pair, expected_version)
    return pair


def possible_duplicate_merge(
    *, duplicate: PossibleDuplicate, actor, reason: str, expected_version: int | None = None
) -> PossibleDuplicate:
    """The two records are one child: merge the other record into the restricted one, which keeps
    its restriction (the merged record takes it too, so nothing about the child shows to anyone not
    named). Family Connect managers, and the staff named on the pair's restricted record."""
    require_resolve_duplicate(actor, duplicate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why these records are the same child"})
    with transaction.atomic():
        pair = _lock(duplicate, expected_version)
        transition(pair.status, DuplicateStatus.MERGED, ALLOWED_DUPLICATE_TRANSITIONS, "possible duplicate")
        kept, merged = pair.kept_and_merged
        summary = f"Possible duplicate {pair.pk}: child {merged.pk} merged into child {kept.pk}: {reason}"
        _restrict_like(merged, kept, actor=actor, reason=summary[:500])
        merge = merge_records(source=merged, target=kept, actor=actor, reason=reason)
        _resolve(pair, DuplicateStatus.MERGED, actor=actor, reason=reason, summary=summary, merge=merge)
    return pair


def possible_duplicate_mark_different(
    *, duplicate: PossibleDuplicate, actor, reason: str, expected_version: int | None = None
) -> PossibleDuplicate:
    """The two records are different children: the pair is closed with the reason, and not found again."""
    require_resolve_duplicate(actor, duplicate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter how you know these are different children"})
    with transaction.atomic():
        pair = _lock(duplicate, expected_version)
        summary = (
            f"Possible duplicate {pair.pk}: child {pair.child_id} and child {pair.existing_id} are "
            f"different children: {reason}"
        )
        _resolve(pair, DuplicateStatus.DIFFERENT, actor=actor, reason=reason, summary=summary)
    return pair


def possible_duplicate_resolve(
    *, duplicate: PossibleDuplicate, actor, decision: str, reason: str, expected_version: int | None = None
) -> PossibleDuplicate:
    """The pair page's one form: "same" merges, "different" marks the pair as two children."""
    resolve = {"same": possible_duplicate_merge, "different": possible_duplicate_mark_different}.get(decision)
    if resolve is None:
        raise ValidationError({"decision": "Choose whether these records are the same child"})
    return resolve(duplicate=duplicate, actor=actor, reason=reason, expected_version=expected_version)

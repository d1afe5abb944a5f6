"""Child records of the same name (001:L1372-1374): three or more records (the
`same_name_records_alert` setting) whose names share a same-name key (contacts.matching) make a
set for the Family Connect managers (or, when a record is restricted, its named staff) to review:
merged, different children, or escalated. A set is recorded once for its members; a set that
gains or loses a record is a new set. Found by the services that add or rename a child (after
commit) and by the job `contacts.tasks.record_same_name_sets`, which catches every other change
(imports, merges)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.selectors import service_settings

from ..choices import RecordStatus, SameNameOutcome
from ..models import ChildNameKey, SameNameSet
from .threshold_review import tell_at_once

logger = logging.getLogger(__name__)
MAX_SAME_NAME_NOTES = 5000


def same_name_sets_record(*, actor, keys: Iterable[str] | None = None) -> list[SameNameSet]:
    """Record every set of records sharing a same-name key, as many as the setting or more, not yet
    recorded with exactly these members (only the given keys when `keys` is given). Idempotent."""
    threshold = service_settings()["same_name_records_alert"]
    rows = ChildNameKey.objects.filter(key__startswith="s:", child__status=RecordStatus.ACTIVE)
    if keys is not None:
        rows = rows.filter(key__in=[key for key in keys if key.startswith("s:")])
    big = rows.values("key").annotate(n=Count("child_id")).filter(n__gte=threshold).values_list("key", flat=True)
    members: dict[str, set[int]] = defaultdict(set)
    for key, child_id in rows.filter(key__in=list(big)).values_list("key", "child_id"):
        members[key].add(child_id)
    created = []
    for key, children in sorted(members.items()):
        members_key = ",".join(str(pk) for pk in sorted(children))
        if SameNameSet.objects.filter(key=key, members_key=members_key).exists():
            continue
        try:
            with transaction.atomic():
                found = SameNameSet(key=key, members_key=members_key, found_at=timezone.now())
                audit.save(found, actor=actor, reason=f"{len(children)} child records share a name")
                found.children.set(sorted(children))
        except IntegrityError:  # another worker recorded it first
            continue
        created.append(found)
    if created:
        tell_at_once("same_name_records")
    return created


def same_name_sets_record_for_child(*, child_id: int, actor) -> None:
    """After a child is added or renamed: the sets of its same-name key (run after commit)."""
    keys = ChildNameKey.objects.filter(child_id=child_id, key__startswith="s:").values_list("key", flat=True)
    try:
        same_name_sets_record(actor=actor, keys=list(keys))
    except Exception:
        logger.exception("Same-name sets of child %s not recorded now; the job will record them", child_id)


def same_name_set_review(
    *, name_set: SameNameSet, outcome: str, notes: str, actor, expected_version: int | None = None
) -> SameNameSet:
    """The review of a set: merged, different children, or escalated (with notes)."""
    from ..review_selectors import same_name_sets_visible_to

    if not same_name_sets_visible_to(actor).filter(pk=name_set.pk).exists():
        raise PermissionDenied("You cannot review this set of records.")
    notes = (notes or "").strip()
    errors = {}
    if outcome not in SameNameOutcome.values:
        errors["outcome"] = "Choose the outcome of the review"
    elif outcome == SameNameOutcome.ESCALATED and not notes:
        errors["notes"] = "Enter why the set is escalated and to whom"
    if len(notes) > MAX_SAME_NAME_NOTES:
        errors["notes"] = f"Enter {MAX_SAME_NAME_NOTES} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        name_set = SameNameSet.objects.select_for_update().get(pk=name_set.pk)
        check_version(name_set, expected_version)
        if not name_set.is_open:
            raise TransitionNotAllowed("This set has already been reviewed.")
        name_set.outcome, name_set.notes = outcome, notes
        name_set.reviewed_by, name_set.reviewed_at = actor, timezone.now()
        audit.save_change(name_set, actor=actor, reason=f"Review recorded: {SameNameOutcome(outcome).label}")
    return name_set

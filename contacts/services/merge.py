"""Merging duplicate children of the index, and reversing a merge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.exceptions import TransitionNotAllowed
from core.permissions import require

from .. import rules, selectors
from ..choices import RecordStatus
from ..models import Child, ChildMerge
from ..permissions import MERGE_CHILD, REVERSE_CHILD_MERGE, require_see_child
from ..selectors import child_link_fields
from .name_keys import NAME_FIELDS, child_name_keys_refresh

__all__ = ["child_link_fields", "child_merge", "child_merge_reverse", "merge_records"]


def child_merge(*, source: Child, target: Child, actor, reason: str) -> ChildMerge:
    """Merge `source` into `target`: every record linked to `source` (in any app) moves to
    `target` with history, `source` is kept as merged, and the merge is recorded so that an
    administrator can reverse it."""
    require(actor, MERGE_CHILD, "Only a screener can merge child records.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why these records are the same child"})
    if source.pk == target.pk:
        raise ValidationError("Choose two different records to merge.")
    require_see_child(actor, source)
    require_see_child(actor, target)
    return merge_records(source=source, target=target, actor=actor, reason=reason)


def merge_records(*, source: Child, target: Child, actor, reason: str) -> ChildMerge:
    """The merge itself, for the services that have checked who may make it (child_merge, and the
    merge of a possible duplicate by the staff named on its restricted record). The two records
    must be active and equally restricted."""
    now = timezone.now()
    summary = f"Merged child {source.pk} into child {target.pk}: {reason.strip()}"[:500]
    try:
        with transaction.atomic():
            locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
            source, target = locked[source.pk], locked[target.pk]
            if source.status != RecordStatus.ACTIVE or target.status != RecordStatus.ACTIVE:
                raise TransitionNotAllowed("Only two active records can be merged.")
            if source.is_restricted != target.is_restricted or selectors.child_named_staff_ids(
                source
            ) != selectors.child_named_staff_ids(target):
                raise ValidationError(
                    "These records have different access restrictions. Make the restrictions the same first."
                )
            moved = []
            for model, field in child_link_fields():
                rows = list(model._default_manager.select_for_update().filter(**{field.name: source}))
                if not rows:
                    continue
                if field.one_to_one and model._default_manager.filter(**{field.name: target}).exists():
                    raise ValidationError(
                        f"Both records have a {model._meta.verbose_name}: they cannot be merged automatically."
                    )
                for row in rows:
                    _repoint(row, field, target, actor=actor, reason=summary)
                moved.append({"model": model._meta.label_lower, "field": field.name, "pks": [str(r.pk) for r in rows]})
            source.status, source.merged_into = RecordStatus.MERGED, target
            audit.save_change(source, actor=actor, reason=summary, fields=["status", "merged_into"])
            markers_before = {
                "open_to_cate": target.open_to_cate,
                "previously_known_to_cate": target.previously_known_to_cate,
            }
            filled = rules.fill_from(target, source)
            target.open_to_cate = target.open_to_cate or source.open_to_cate
            target.previously_known_to_cate = target.previously_known_to_cate or source.previously_known_to_cate
            audit.save_change(
                target,
                actor=actor,
                reason=summary,
                fields=[*filled, "open_to_cate", "previously_known_to_cate"],
            )
            if NAME_FIELDS & set(filled):
                child_name_keys_refresh([target])
            merge = ChildMerge(
                source=source,
                target=target,
                merged_by=actor,
                merged_at=now,
                reason=reason.strip(),
                moved=moved,
                filled_fields=filled,
                target_markers_before=markers_before,
            )
            audit.save(merge, actor=actor, reason=summary)
    except IntegrityError as exc:
        raise ValidationError(
            "These records cannot be merged automatically: a linked record would clash with one on the "
            "kept record. Ask the service desk."
        ) from exc
    return merge


def _repoint(row, field, child: Child, *, actor, reason: str) -> None:
    setattr(row, field.name, child)
    with transaction.atomic():  # a savepoint: a clash is reported, not half-applied
        audit.save_change(row, actor=actor, reason=reason, fields=[field.name], clean=False)


def child_merge_reverse(*, merge: ChildMerge, actor, reason: str) -> ChildMerge:
    """Undo a merge (administrators): the records that moved go back to the merged record, the
    details filled in on the kept record are cleared, and the merged record is active again.
    Records added to the kept record since the merge stay there."""
    require(actor, REVERSE_CHILD_MERGE, "Only an administrator can reverse a merge.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the merge is being reversed"})
    summary = f"Reversed merge {merge.pk} of child {merge.source_id} into child {merge.target_id}: {reason.strip()}"
    summary = summary[:500]
    with transaction.atomic():
        merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at:
            raise TransitionNotAllowed("This merge has already been reversed.")
        locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[merge.source_id, merge.target_id])}
        source, target = locked[merge.source_id], locked[merge.target_id]
        if source.status != RecordStatus.MERGED or source.merged_into_id != target.pk:
            raise TransitionNotAllowed("The merged record has changed since: this merge cannot be reversed.")
        if target.status != RecordStatus.ACTIVE:
            raise TransitionNotAllowed("The kept record has itself been merged since. Reverse that merge first.")
        # Clear what was filled in on the kept record first (an NHS number is unique among active records).
        restored = []
        for name, change in merge.filled_fields.items():
            field = Child._meta.get_field(name)
            if rules.as_json(getattr(target, name)) == change["after"]:
                setattr(target, name, field.to_python(change["before"]) if change["before"] is not None else None)
                restored.append(name)
        for name, value in merge.target_markers_before.items():
            if getattr(target, name) != value:
                setattr(target, name, value)
                restored.append(name)
        audit.save_change(target, actor=actor, reason=summary, fields=restored)
        if NAME_FIELDS & set(restored):
            child_name_keys_refresh([target])
        source.status, source.merged_into = RecordStatus.ACTIVE, None
        audit.save_change(source, actor=actor, reason=summary, fields=["status", "merged_into"])
        links = {(model._meta.label_lower, field.name): (model, field) for model, field in child_link_fields()}
        for group in merge.moved:
            model, field = links.get((group["model"], group["field"]), (None, None))
            if model is None:
                continue
            rows = model._default_manager.select_for_update().filter(pk__in=group["pks"], **{field.name: target})
            for row in rows:
                _repoint(row, field, source, actor=actor, reason=summary)
        merge.reversed_at, merge.reversed_by, merge.reversal_reason = timezone.now(), actor, reason.strip()
        audit.save(merge, actor=actor, reason=summary, update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    return merge

"""Optimistic locking: every edit form carries the record's version; a stale save is refused."""

from __future__ import annotations

from django.db import models

from .exceptions import StaleRecord


def changed_fields_since(obj: models.Model, version: int) -> list[str]:
    """Labels of the fields that differ between `version` of `obj` and its current state."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    then = history.filter(version=version).order_by("-history_date").first()
    now = history.order_by("-history_date").first()
    if then is None or now is None:
        return []
    delta = now.diff_against(then, excluded_fields=["version", "updated_at"])
    labels = []
    for change in delta.changes:
        field = obj._meta.get_field(change.field)
        labels.append(str(getattr(field, "verbose_name", change.field)).capitalize())
    return labels


def check_version(obj: models.Model, expected: int | None) -> None:
    """Refuse the save when `obj` (read under lock) has moved on from the version the user saw.
    A form opened before the record existed carries version 0."""
    if expected is None:
        return
    expected = int(expected)
    if obj.version != expected:
        changes = changed_fields_since(obj, expected)
        if not changes and expected == 0:  # the form was opened before anyone had recorded it
            changes = [f"{str(obj._meta.verbose_name).capitalize()} recorded"]
        raise StaleRecord(obj, changes)

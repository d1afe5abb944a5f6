"""Writes of the front door. Every service takes the acting user and records history with a reason."""

from __future__ import annotations

from django.db import transaction

from core import audit

from .models import Child


def child_set_cate_markers(*, child: Child, open_to_cate: bool, previously_known: bool, actor, reason: str) -> Child:
    """Set the CATE markers shown on a child's record (called by cate/ when cases open, close, reopen)."""
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if (child.open_to_cate, child.previously_known_to_cate) == (open_to_cate, previously_known):
            return child
        child.open_to_cate, child.previously_known_to_cate = open_to_cate, previously_known
        child.version += 1
        audit.save(child, actor=actor, reason=reason, update_fields=["open_to_cate", "previously_known_to_cate"])
    return child

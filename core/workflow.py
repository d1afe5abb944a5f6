"""State changes are table-driven: each app's choices.py holds `ALLOWED_*_TRANSITIONS`
(status -> the statuses it may become); services ask `transition` before they change one."""

from __future__ import annotations

from collections.abc import Mapping

from .exceptions import TransitionNotAllowed


def _label(status: str, table: Mapping) -> str:
    for known in table:
        if known == status:
            return str(getattr(known, "label", known)).lower()
    return str(status).replace("_", " ")


def transition(current: str, target: str, table: Mapping[str, frozenset[str]], what: str) -> None:
    """Refuse (TransitionNotAllowed) a change of a `what` from `current` to `target` that the
    table does not allow."""
    if target not in table.get(current, frozenset()):
        raise TransitionNotAllowed(
            f"A {what} that is {_label(current, table)} cannot become {_label(target, table)}.", code="transition"
        )

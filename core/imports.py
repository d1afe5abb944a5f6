"""The import of records from a council's previous system: what every owner's import services share,
and core's own part (staff accounts).

The importer (imports/) reads the previous system's document and calls, record by record, the
import services of the app that owns each table (core: staff; contacts: children and contacts;
cate: cases and what is recorded on them). Each saves its record with history attributed to the
acting user (the system user for the command and the demo) with one of the two reasons below,
in its own savepoint, and raises ValidationError (with the database's refusals turned into one)
for the importer to report against the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from . import audit
from .roles import Role

REASON_CREATED = "Imported from the previous system"
REASON_UPDATED = "Updated from the previous system"

M = TypeVar("M", bound=models.Model)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Imported(Generic[M]):
    """One imported record, and whether the import created it, changed it or left it as it was."""

    record: M
    outcome: Outcome
    changed: tuple[str, ...] = ()


def assign(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values on obj; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a required relation not set yet
            current = None
        if current != value or (current is None and value is not None):
            setattr(obj, name, value)
            changed.append(name)
    return changed


def save_imported(obj: M, *, created: bool, changed: list[str], actor) -> Imported[M]:
    """Save one imported record with history, in its own savepoint: new, or the changed fields of an
    existing one (its version moves on); nothing when nothing changed. A refusal of the database
    becomes a ValidationError, as a refusal of the model's own checks is."""
    if not created and not changed:
        return Imported(obj, Outcome.UNCHANGED)
    try:
        with transaction.atomic():
            if created:
                audit.save(obj, actor=actor, reason=REASON_CREATED)
            else:
                audit.save_change(obj, actor=actor, reason=REASON_UPDATED, fields=changed)
    except IntegrityError as exc:
        raise ValidationError(f"the database refused it: {str(exc).splitlines()[0]}") from None
    return Imported(obj, Outcome.CREATED if created else Outcome.UPDATED, tuple(changed))


def references_after(model: type[models.Model], prefix: str, width: int) -> Iterator[str]:
    """The references `prefix` + number (at least `width` digits) not yet used on `model`, in order,
    for the records an import creates."""
    numbers = [
        int(match[1])
        for ref in model.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if (match := re.fullmatch(rf"{re.escape(prefix)}(\d+)", ref))
    ]
    number = max(numbers, default=0)
    while True:
        number += 1
        yield f"{prefix}{number:0{width}d}"


def error_text(exc: ValidationError) -> str:
    """A ValidationError as one line: `field: message` for each field it names."""
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}" if name != "__all__" else " ".join(map(str, messages))
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


# --- Staff -------------------------------------------------------------------------------------


def staff_import(
    *,
    user,
    legacy_key: str,
    username: str,
    first_name: str,
    last_name: str,
    job_title: str,
    case_holder: bool,
    active_from: date | None,
    active_to: date | None,
    role: Role,
    roles: Iterable[Role],
    actor,
    today: date,
) -> Imported:
    """A staff member of the previous system as an account here (`user`: the account imported
    before with this key, or an ordinary one taken over by username; None for a new one, which
    cannot sign in until given a password). Active unless they left before `today`; of the `roles`
    an import gives, the account holds `role` only."""
    created = user is None
    if created:
        user = get_user_model()(username=username)
        user.set_unusable_password()
    changed = assign(
        user,
        {
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "job_title": job_title,
            "case_holder": case_holder,
            "active_from": active_from,
            "active_to": active_to,
            "is_active": active_to is None or active_to >= today,
            "legacy_key": legacy_key,
        },
    )
    result = save_imported(user, created=created, changed=changed, actor=actor)
    groups = {group.name: group for group in Group.objects.filter(name__in=[str(r.label) for r in roles])}
    wanted = groups[str(role.label)]
    current = set(user.groups.filter(name__in=list(groups)))
    if current != {wanted}:
        user.groups.remove(*(current - {wanted}))
        user.groups.add(wanted)
    return result

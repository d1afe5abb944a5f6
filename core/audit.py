"""Audit helpers every service and detail view uses.

History: services attribute each save to the acting user with a reason (django-simple-history).
Access: every view or export of a child, contact or case is written to the append-only AccessLog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import contract
from .choices import AccessAction
from .models import AccessLog

M = TypeVar("M", bound=models.Model)


def attribute(obj: M, *, actor, reason: str) -> M:
    """Mark the next history record of `obj` with who changed it and why."""
    if actor is None:
        raise ValueError("Every change needs an acting user (use system_user() for jobs).")
    obj._history_user = actor
    obj._change_reason = reason
    return obj


def save(
    obj: M,
    *,
    actor,
    reason: str,
    update_fields: Sequence[str] | None = None,
    clean: bool = True,
) -> M:
    """Validate and save a history-tracked record, attributed to `actor` with `reason`."""
    if clean:
        exclude = None
        if update_fields is not None:
            exclude = [f.name for f in obj._meta.fields if f.name not in update_fields]
        obj.full_clean(exclude=exclude)
    attribute(obj, actor=actor, reason=reason)
    if update_fields is not None:
        fields = set(update_fields)
        if hasattr(obj, "version"):
            fields.add("version")
        if any(f.name == "updated_at" for f in obj._meta.fields):
            fields.add("updated_at")
        obj.save(update_fields=sorted(fields))
    else:
        obj.save()
    return obj


def save_change(
    obj: M,
    *,
    actor,
    reason: str,
    fields: Sequence[str] | None = None,
    clean: bool = True,
) -> M:
    """Save a change to an existing versioned record: its version moves on (so a form opened at
    the old version is refused), and the history row carries `actor` and `reason`."""
    if hasattr(obj, "version"):
        obj.version += 1
    return save(obj, actor=actor, reason=reason, update_fields=fields, clean=clean)


def bulk_create(model: type[M], objs: Iterable[M], *, actor, reason: str, batch_size: int = 500) -> list[M]:
    """Create many records without skipping their history."""
    return bulk_create_with_history(
        list(objs), model, batch_size=batch_size, default_user=actor, default_change_reason=reason
    )


def bulk_save_change(model: type[M], objs: Iterable[M], fields: list[str], *, actor, reason: str) -> int:
    """Save a change to many existing records in one write, as `save_change` does to one: each
    version moves on and each history row carries `actor` and `reason`."""
    objs = list(objs)
    if any(f.name == "version" for f in model._meta.fields):
        for obj in objs:
            obj.version += 1
        fields = sorted({*fields, "version"})
    return bulk_update_with_history(objs, model, fields, default_user=actor, default_change_reason=reason)


def last_change(obj: models.Model):
    """The latest history row of `obj` (who changed it, `history_user`, and when, `history_date`),
    or None: what a draft shows as "Last changed by ... on ..."."""
    history = getattr(obj, "history", None)
    if history is None or obj.pk is None:
        return None
    return history.select_related("history_user").order_by("-history_date", "-history_id").first()


def system_user():
    """The named account background jobs act as (created on first use; cannot sign in)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "CATE pathway", "last_name": "(system)", "is_system": True, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def client_ip(request) -> str | None:
    return get_client_ip_address(request) or None


def child_number_of(obj: models.Model) -> int | None:
    """The child a record is about, read from already-loaded fields where it can be: a child itself,
    a record with a `child` (contact, case, referral), or one reached through its `case` or `contact`.
    The app holding children declares which model they are (`child_model`, core.contract)."""
    if obj._meta.label_lower == _child_model_label():
        return obj.pk
    if getattr(obj, "child_id", None) is not None:
        return obj.child_id
    for via in ("case", "contact", "item"):
        if getattr(obj, f"{via}_id", None) is not None:
            return child_number_of(getattr(obj, via))
    return None


def _child_model_label() -> str:
    label = contract.first("child_model", "")
    return label.lower()


def log_access(
    request, obj: models.Model, *, action: str = AccessAction.VIEW, contents: dict | None = None
) -> AccessLog:
    """Append who viewed (or exported) `obj`, when and from where, and which child it is about; an
    export says what it held (`contents`, see `export_contents`)."""
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        child_number=child_number_of(obj),
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
        contents=contents or {},
    )


def export_contents(kind: str, summary: str, **details) -> dict:
    """What an export held, for its access log rows: the kind of export, a one-line summary (numbers,
    never names: the auditor may not be named on a restricted child) and the filters, period and
    record numbers it was made of."""
    return {"kind": kind, "summary": summary, **details}


def log_access_many(
    request, objs: Iterable[models.Model], *, action: str = AccessAction.VIEW, contents: dict | None = None
) -> list[AccessLog]:
    """Log many records seen at once (a search result, a list of records, an export's) in one query."""
    path, address = request.get_full_path()[:500], client_ip(request)
    rows = [
        AccessLog(
            user=request.user,
            action=action,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            child_number=child_number_of(obj),
            path=path,
            ip_address=address,
            contents=contents or {},
        )
        for obj in objs
    ]
    return AccessLog.objects.bulk_create(rows) if rows else []


def hidden_child_numbers(user, numbers: Iterable[int]) -> set[int]:
    """Of these child numbers, the ones `user` may not know exist (restricted, not named on them):
    the auditor still sees who saw them, but not whom they are about. The apps holding children
    declare who may not know of which (`hidden_children_providers`, core.contract)."""
    numbers = {n for n in numbers if n}
    hidden: set[int] = set()
    if numbers:
        for provider in contract.contributions("hidden_children_providers"):
            hidden |= set(provider(user, numbers))
    return hidden

"""The kinds of record that hold documents, as their apps declare them (core.contract's
`document_owners`): the documents app knows no other app, only these declarations."""

from __future__ import annotations

import functools

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from core import contract


def all_owners() -> tuple:
    return contract.contributions("document_owners")


def owner_by_key(key: str):
    """The declaration of a kind of record by its URL key, or Http404."""
    for owner in all_owners():
        if owner.key == key:
            return owner
    raise Http404


def owner_of_type(content_type_id: int):
    """The declaration for a document's record, or None (an app that no longer declares it)."""
    return _by_type().get(content_type_id)


def _by_type() -> dict:
    # Content types are cached by Django after their first read: no query per call.
    return {content_type(owner).pk: owner for owner in all_owners()}


def content_type(owner) -> ContentType:
    """The record's content type. The first read fetches every declared kind's in one query (Django
    keeps them for the life of the process), so a page costs one query at most for them all."""
    models = [model_of(other) for other in all_owners()]
    return ContentType.objects.get_for_models(*models, for_concrete_models=False)[model_of(owner)]


@functools.cache
def _model(label: str):
    return apps.get_model(label)


def model_of(owner):
    return _model(owner.model)


def get_record(owner, user, pk: int):
    """The record, for a user who may see it (Http404 otherwise)."""
    return owner.resolved("get")(user, pk)


def may_attach(owner, user, record) -> bool:
    return bool(owner.resolved("may_attach")(user, record))


def visible_ids(owner, user):
    return owner.resolved("visible")(user)


def child_number(owner, record) -> int | None:
    """The child a record is about (its owner's `child_path`), or None."""
    if not owner.child_path:
        return None
    if owner.child_path == "pk":
        return record.pk
    value = record
    for step in owner.child_path.split("__"):
        value = getattr(value, "pk" if step == "id" and not hasattr(value, "id") else step, None)
        if value is None:
            return None
    return value.pk if hasattr(value, "pk") else value

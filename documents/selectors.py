"""Every read of documents, filtered by who may see their records (documents.permissions).

A list is one query whatever the number of documents: the records' visibility is a subquery each
kind of record declares (`DocumentOwner.visible`), never a loop over records."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from . import owners
from .choices import Sensitivity
from .models import Document, DocumentVersion
from .permissions import may_see_sensitive


def _readable(user, documents: QuerySet[Document]) -> QuerySet[Document]:
    documents = documents.filter(withdrawn_at__isnull=True)
    if not may_see_sensitive(user):
        documents = documents.exclude(sensitivity=Sensitivity.SENSITIVE)
    return documents


def documents_visible_to(user) -> QuerySet[Document]:
    """Every document the user may see, on any record."""
    if not user.is_authenticated:
        return Document.objects.none()
    condition = Q(pk__in=[])
    for owner in owners.all_owners():
        condition |= Q(owner_type=owners.content_type(owner), owner_id__in=owners.visible_ids(owner, user))
    return _readable(user, Document.objects.filter(condition))


def _of_records(user, owner, ids) -> Q:
    return Q(owner_type=owners.content_type(owner), owner_id__in=owners.visible_ids(owner, user).filter(pk__in=ids))


def record_condition(user, owner, record) -> Q:
    """The documents of a record (which the user may see) and of the records listed with it: those
    declared `within` it (a case's meetings and plans) and those it `includes` (the case's child)."""
    condition = Q(owner_type=owners.content_type(owner), owner_id=record.pk)
    for other in owners.all_owners():
        for key, lookup in other.within:
            if key == owner.key:
                ids = owners.visible_ids(other, user).filter(**{lookup: record.pk})
                condition |= Q(owner_type=owners.content_type(other), owner_id__in=ids)
    includes = owner.resolved("includes")
    if includes is not None:
        by_model = {other.model: other for other in owners.all_owners()}
        for label, ids in includes(record):
            if label in by_model:
                condition |= _of_records(user, by_model[label], ids)
    return condition


def documents_of_record(user, owner, record, *, kind: str = "", since=None, until=None) -> QuerySet[Document]:
    """The documents on a record's list, newest document date first, filtered by type and date;
    `record` has been read through its owner's getter (the user may see it)."""
    documents = _readable(user, Document.objects.filter(record_condition(user, owner, record)))
    if kind:
        documents = documents.filter(kind=kind)
    if isinstance(since, dt.date):
        documents = documents.filter(document_date__gte=since)
    if isinstance(until, dt.date):
        documents = documents.filter(document_date__lte=until)
    return documents.select_related("current", "source_agency", "added_by").order_by("-document_date", "-id")


def documents_on(user, owner, ids) -> QuerySet[Document]:
    """The documents on these records of one kind that the user may see (a page's section)."""
    documents = _readable(user, Document.objects.filter(_of_records(user, owner, ids)))
    return documents.select_related("current", "source_agency").order_by("-document_date", "-id")


def document_get_for_user(user, pk: int) -> Document:
    """A document the user may see, with its record's declaration as `document.owner` and the record
    as `document.record` (Http404 for a missing, withdrawn or sensitive one, or one on a record the
    user may not see: exactly as missing)."""
    if not user.is_authenticated:
        raise Http404
    document = (
        _readable(user, Document.objects.filter(pk=pk)).select_related("current", "source_agency", "added_by").first()
    )
    if document is None:
        raise Http404
    owner = owners.owner_of_type(document.owner_type_id)
    if owner is None:
        raise Http404
    document.owner = owner
    document.record = owners.get_record(owner, user, document.owner_id)
    return document


def versions_of(document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("uploaded_by").order_by("-number"))


def version_of(document: Document, number: int | None) -> DocumentVersion:
    """The document's current version, or the numbered one (Http404 when there is none)."""
    if number is None:
        if document.current is None:
            raise Http404
        return document.current
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version

"""The documents' pages: a record's documents (a case's with its child's, panels' and meetings'),
adding one, a document's page, its download and preview, a new version, withdrawing.

Every page reads the record through its app's own getter (documents.owners): a record the user may
not see, and a document on it, answer 404 exactly as missing ones. Downloads stream the stored file
as an attachment, under its checked type, never sniffed; images and PDFs may be previewed inline.
Each view and download is written to the access log."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import audit, pages
from core.choices import AccessAction
from core.pages import paginate, query_without_page, record_view, submit

from . import forms, owners, selectors, services
from .permissions import can_attach, can_withdraw


def _record_get(user, key: str, pk: int):
    owner = owners.owner_by_key(key)
    record = owners.get_record(owner, user, pk)
    record.document_owner = owner
    return record


def _record_url(record) -> str:
    return record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""


class RecordPermissions:
    def __init__(self, user, record):
        self.can_attach = can_attach(user, record.document_owner, record)


class DocumentPermissions:
    def __init__(self, user, document):
        self.can_attach = can_attach(user, document.owner, document.record)
        self.can_withdraw = can_withdraw(user, document.owner, document.record, document)


@require_GET
@record_view(get=_record_get, permissions=RecordPermissions, keys=("key", "pk"))
def record_list(request, record, perms):
    owner = record.document_owner
    form = forms.FilterForm(request.GET or None)
    page = paginate(request, selectors.documents_of_record(request.user, owner, record, **form.filters()))
    return render(
        request,
        "documents/record_list.html",
        {
            "record": record,
            "owner": owner,
            "record_url": _record_url(record),
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "perms": perms,
        },
    )


@record_view(get=_record_get, permissions=RecordPermissions, allow=lambda perms: perms.can_attach, keys=("key", "pk"))
def add(request, record, perms):
    owner = record.document_owner
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    response = submit(
        request,
        form,
        services.document_add,
        owner=owner,
        record=record,
        success=lambda document: document.get_absolute_url(),
        message="Document added",
    )
    return response or render(
        request,
        "documents/add.html",
        {"form": form, "record": record, "owner": owner, "record_url": _record_url(record)},
    )


def _context(document, perms, **more) -> dict:
    return {
        "document": document,
        "record": document.record,
        "owner": document.owner,
        "record_url": _record_url(document.record),
        "perms": perms,
        **more,
    }


@require_GET
@record_view(get=selectors.document_get_for_user, permissions=DocumentPermissions)
def detail(request, document, perms):
    return render(request, "documents/detail.html", _context(document, perms, versions=selectors.versions_of(document)))


def _version_number(request) -> int | None:
    value = request.GET.get("version")
    if value in (None, ""):
        return None
    number = pages.record_id(value)
    if number is None:
        raise Http404
    return number


def _stream(request, document, *, inline: bool):
    version = selectors.version_of(document, _version_number(request))
    if inline and not version.previewable:
        raise Http404
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=not inline, filename=version.file_name)
    response["Content-Type"] = version.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(version.size)
    contents = audit.export_contents(
        "document", f"Version {version.number} {'previewed' if inline else 'downloaded'}", version=version.number
    )
    audit.log_access(request, document, action=AccessAction.VIEW if inline else AccessAction.EXPORT, contents=contents)
    return response


@require_GET
@record_view(get=selectors.document_get_for_user, log=False)
def download(request, document, perms):
    return _stream(request, document, inline=False)


@require_GET
@record_view(get=selectors.document_get_for_user, log=False)
def preview(request, document, perms):
    return _stream(request, document, inline=True)


@record_view(get=selectors.document_get_for_user, permissions=DocumentPermissions, allow=lambda p: p.can_attach)
def new_version(request, document, perms):
    form = forms.VersionForm(request.POST or None, request.FILES or None, initial={"version": document.version})
    response = submit(
        request,
        form,
        services.document_new_version,
        document=document,
        owner=document.owner,
        record=document.record,
        success=document.get_absolute_url(),
        message="New version uploaded",
    )
    return response or render(request, "documents/new_version.html", _context(document, perms, form=form))


@record_view(get=selectors.document_get_for_user, permissions=DocumentPermissions, allow=lambda p: p.can_withdraw)
def withdraw(request, document, perms):
    form = forms.WithdrawForm(request.POST or None, initial={"version": document.version})
    url = _record_url(document.record) or document.get_absolute_url()
    response = submit(
        request,
        form,
        services.document_withdraw,
        document=document,
        owner=document.owner,
        record=document.record,
        success=url,
        message="Document withdrawn",
    )
    return response or render(request, "documents/withdraw.html", _context(document, perms, form=form))

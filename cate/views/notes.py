"""Case notes: the list, writing and finishing a draft, a note with its addenda and history, and the
chronology they appear in beside visits (filtered by type, and printed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.forms import for_a_new_record
from core.pages import paginate, submit

from .. import note_forms, note_selectors, services
from ..choices import NoteKind
from ._base import case_form, case_view, works

# The most rows a printed chronology holds (newest first); the page says when there are more.
PRINT_LIMIT = 2000


def _note_values(form) -> dict:
    data = form.cleaned_data
    return {
        "occurred_at": data["occurred_at"],
        "kind": data["kind"],
        "involved": data["involved"],
        "text": data["text"],
        "finalise": form.finalising,
    }


def _saved(note) -> str:
    return "Case note drafted" if note.is_draft else "Case note finalised"


@require_GET
@case_view()
def chronology(request, case, perms):
    kinds = note_selectors.chronology_kinds()
    form = note_forms.ChronologyFilterForm(request.GET or None, kinds=kinds)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    significant = request.GET.get("significant") == "1"
    rows = note_selectors.chronology_filtered(case, kind=kind, significant_only=significant)
    query = "&".join(part for part in (f"kind={kind}" if kind else "", "significant=1" if significant else "") if part)
    context = {"case": case, "perms": perms, "form": form, "kind": kind, "significant": significant, "query": query}
    if request.GET.get("print") == "1":
        events = list(rows[: PRINT_LIMIT + 1])
        return render(
            request,
            "cate/chronology_print.html",
            {
                **context,
                "events": events[:PRINT_LIMIT],
                "more": len(events) > PRINT_LIMIT,
                "kind_label": dict(kinds).get(kind, ""),
            },
        )
    return render(request, "cate/chronology_list.html", {**context, "page": paginate(request, rows)})


@require_GET
@case_view()
def note_list(request, case, perms):
    page = paginate(request, note_selectors.notes_of(case, request.user))
    return render(request, "cate/note_list.html", {"case": case, "perms": perms, "page": page})


@case_view(live=True, allow=works)
def note_add(request, case, perms):
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind == NoteKind.OVERSIGHT and perms.can_oversee else {}
    form = for_a_new_record(
        note_forms.CaseNoteForm(request.POST or None, initial=initial, can_oversee=perms.can_oversee)
    )
    response = submit(
        request,
        form,
        services.case_note_create,
        case=case,
        args=lambda data: _note_values(form),
        success=lambda note: note.get_absolute_url(),
        message=_saved,
    )
    return response or case_form(request, case, perms, "cate/note_form.html", form)


@require_GET
@case_view()
def note_detail(request, case, perms, item: int):
    note = note_selectors.note_get_on_case(case, item, request.user)
    return render(
        request,
        "cate/note_detail.html",
        {
            "case": case,
            "perms": perms,
            "note": note,
            "addenda": note_selectors.note_addenda(note),
            "revisions": note_selectors.note_history(note),
            "can_add_addendum": perms.can_work and case.is_live and not note.is_draft,
            "can_edit": perms.can_work and case.is_live and note.is_draft and note.author_id == request.user.pk,
        },
    )


@case_view(live=True, allow=works)
def note_edit(request, case, perms, item: int):
    note = note_selectors.note_get_on_case(case, item, request.user)
    if not note.is_draft or note.author_id != request.user.pk:
        raise PermissionDenied("Only the author changes a draft; a finalised note takes an addendum.")
    form = note_forms.CaseNoteForm(
        request.POST or None, initial=note_forms.CaseNoteForm.initial_from(note), can_oversee=perms.can_oversee
    )
    response = submit(
        request,
        form,
        services.case_note_update,
        note=note,
        args=lambda data: _note_values(form),
        success=lambda note: note.get_absolute_url(),
        message=_saved,
    )
    return response or case_form(request, case, perms, "cate/note_form.html", form, note=note)


@case_view(live=True, allow=works)
def note_addendum_add(request, case, perms, item: int):
    note = note_selectors.note_get_on_case(case, item, request.user)
    form = note_forms.AddendumForm(request.POST or None)
    response = submit(
        request,
        form,
        services.case_note_add_addendum,
        note=note,
        success=reverse("cate:note_detail", args=[case.pk, note.pk]),
        message="Addendum added to the note",
    )
    return response or case_form(request, case, perms, "cate/note_addendum_form.html", form, note=note)

"""Pages of intelligence: submitting it (anyone with a work account), the submitter's own view, the
reviewer's queue and work on each submission, and what partners it was shared with read.

The submitter's own view (`own_*`) shows what they wrote, its status and the feedback written for
them, nothing else. A submission anyone else may not read answers 404, as a missing one does; a
partner it was shared with who opens a reviewer's form gets 403. Every read is access-logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import clock
from core.pages import log, log_many, paginate, query_without_page, record_view, submit
from network.selectors import child_to_link, record_to_link

from .. import forms, selectors, services
from ..choices import Audience, SubjectKind
from ..permissions import IntelligencePermissions, can_submit, is_reviewer, reads_original


def _permissions(user, report) -> IntelligencePermissions:
    return IntelligencePermissions(
        can_review=is_reviewer(user), reads_original=reads_original(user, report, selectors.shared_with(report))
    )


def _reviewer(perms) -> bool:
    return perms.can_review


_read = record_view(get=selectors.report_get_for_user, permissions=_permissions)
_review = record_view(get=selectors.report_get_for_user, permissions=_permissions, allow=_reviewer)


def _require_submitter(request) -> None:
    if not can_submit(request.user):
        raise PermissionDenied


@require_GET
def index(request):
    _require_submitter(request)
    now = timezone.now()
    counts = selectors.queue_counts(request.user, now=now, today=clock.local_date(now))
    return render(
        request,
        "intelligence/index.html",
        {"counts": counts, "reviewer": is_reviewer(request.user), "own": selectors.own_reports(request.user)[:5]},
    )


@require_http_methods(["GET", "POST"])
def report_submit(request):
    _require_submitter(request)
    form = forms.SubmitForm(request.POST or None)
    response = submit(
        request,
        form,
        services.report_submit,
        success=lambda report: f"{report.get_own_url()}?submitted=1",
        message="",
    )
    return response or render(request, "intelligence/submit.html", {"form": form})


@require_GET
def own_list(request):
    _require_submitter(request)
    page = paginate(request, selectors.own_reports(request.user))
    return render(request, "intelligence/own_list.html", {"page": page, "query": query_without_page(request)})


@require_GET
@record_view(get=selectors.own_report_get)
def own_detail(request, report, perms):
    return render(
        request, "intelligence/own_detail.html", {"report": report, "submitted": request.GET.get("submitted") == "1"}
    )


@require_GET
def queue(request):
    if not is_reviewer(request.user):
        raise PermissionDenied
    now = timezone.now()
    today = clock.local_date(now)
    filters = forms.QueueFilterForm(request.GET or None)
    show = filters.value("show") or selectors.QueueShow.OPEN
    rows = selectors.review_queue(
        request.user, show=show, now=now, today=today, source_type=filters.value("source_type")
    )
    page = paginate(request, rows)
    return render(
        request,
        "intelligence/queue.html",
        {
            "page": page,
            "form": filters,
            "show": show,
            "now": now,
            "counts": selectors.queue_counts(request.user, now=now, today=today),
            "query": query_without_page(request),
        },
    )


def _detail_context(request, report, perms, **extra) -> dict:
    subjects = selectors.subjects_for(request.user, report)
    return {
        "report": report,
        "perms": perms,
        "subjects": subjects,
        "shares": selectors.shares_of(report),
        "disruptions": selectors.disruptions_of_report(request.user, report),
        "now": timezone.now(),
        **extra,
    }


@require_GET
@_read
def report_detail(request, report, perms):
    return render(request, "intelligence/report_detail.html", _detail_context(request, report, perms))


@require_http_methods(["GET", "POST"])
@_review
def report_grade(request, report, perms):
    initial = {
        "version": report.version,
        "source_evaluation": report.source_evaluation,
        "assessment": report.assessment,
        "handling_code": report.handling_code,
        "conditions": report.conditions,
        "original_readers": report.original_readers,
        "sanitised": report.sanitised,
        "review_on": report.review_on,
    }
    form = forms.GradeForm(request.POST or None, initial=initial)
    response = submit(
        request, form, services.report_grade, report=report, success=report.get_absolute_url(), message="Graded"
    )
    return response or render(request, "intelligence/form.html", {"report": report, "form": form, "title": "Grade"})


@require_http_methods(["GET", "POST"])
@_review
def report_share(request, report, perms):
    form = forms.ShareForm(request.POST or None)
    response = submit(
        request,
        form,
        services.report_share,
        report=report,
        success=report.get_absolute_url() + "#sharing",
        message=lambda share: f"Sharing with {Audience(share.audience).label} recorded",
    )
    return response or render(
        request, "intelligence/form.html", {"report": report, "form": form, "title": "Record sharing"}
    )


@require_http_methods(["GET", "POST"])
@_review
def report_feedback(request, report, perms):
    initial = {"version": report.version, "outcome": report.outcome, "feedback": report.feedback}
    form = forms.FeedbackForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.report_feedback,
        report=report,
        success=report.get_absolute_url(),
        message="Feedback saved: the submitter has been told",
    )
    return response or render(
        request, "intelligence/form.html", {"report": report, "form": form, "title": "Outcome and feedback"}
    )


def _record_of(user, kind: str, pk: int | None):
    if pk is None:
        return None
    if kind == SubjectKind.CHILD:
        return child_to_link(user, pk)
    return record_to_link(user, kind, pk)


@require_http_methods(["GET", "POST"])
@_review
def report_match(request, report, perms):
    """Find the child or network record the submitter's words are about, and match it."""
    find = forms.FindForm(request.GET or None)
    kind = (find.cleaned_data.get("kind") if find.is_valid() else "") or SubjectKind.PERSON
    text = find.cleaned_data.get("q", "") if find.is_valid() else ""
    found = list(selectors.candidates(request.user, kind, text)) if text else []
    form = forms.MatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = _record_of(request.user, form.cleaned_data["kind"], form.cleaned_data["record"])
        response = submit(
            request,
            form,
            services.subject_match,
            report=report,
            args=lambda data: {"record": record},
            success=report.get_absolute_url() + "#subjects",
            message="Matched",
        )
        if response:
            return response
    return render(
        request,
        "intelligence/match.html",
        {"report": report, "form": form, "find": find, "found": found, "kind": kind, "text": text},
    )


@require_http_methods(["POST"])
@_review
def report_subject_remove(request, report, perms):
    form = forms.SubjectRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter why the match is wrong")
        return redirect(report.get_absolute_url() + "#subjects")
    subject = selectors.subject_get(request.user, report, form.cleaned_data["subject"])
    response = submit(
        request,
        form,
        services.subject_remove,
        subject=subject,
        args=lambda data: {"reason": data["reason"]},
        success=report.get_absolute_url() + "#subjects",
        message="Match taken off",
    )
    return response or redirect(report.get_absolute_url() + "#subjects")


@require_http_methods(["GET", "POST"])
@_review
def report_link(request, report, perms):
    """Link two things the submission is about in the network (its source: this submission)."""
    subjects = selectors.subjects_for(request.user, report)
    by_pk = {subject.pk: subject for subject in subjects}
    form = forms.SubjectsLinkForm(request.POST or None, subjects=subjects)
    response = submit(
        request,
        form,
        services.subjects_link,
        report=report,
        args=lambda data: {
            "a": by_pk.get(data["a"]),
            "b": by_pk.get(data["b"]),
            "kind": data["kind"],
            "notes": data["notes"],
        },
        success=report.get_absolute_url() + "#subjects",
        message="Linked in the network",
    )
    return response or render(
        request, "intelligence/form.html", {"report": report, "form": form, "title": "Link in the network"}
    )


@require_GET
def child_reports(request, pk):
    """The intelligence about a child the reader may read (each in the version they may read)."""
    child = selectors.child_get_for_intelligence(request.user, pk)
    page = paginate(request, selectors.reports_about_child(request.user, child))
    rows = selectors.report_rows(request.user, page.object_list)
    log(request, child)
    log_many(request, [row.report for row in rows])
    return render(request, "intelligence/child_reports.html", {"child": child, "page": page, "rows": rows})

"""Pages of issue 24's oversight: supervision of CATE workers, the CSE risk review of children in
care, and the monthly audit of closed work. Thin: selector, form, service, redirect."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pages import paginate, query_without_page, submit
from core.selectors import service_settings

from .. import oversight_forms as forms
from .. import oversight_selectors as selectors
from ..permissions import (
    AUDIT_CLOSED_WORK,
    RECORD_CIC_REVIEW,
    RECORD_SUPERVISION,
    VIEW_AUDIT,
    VIEW_CIC_REVIEW,
    VIEW_SUPERVISION,
)
from ..services import oversight as services

# --- Supervision -----------------------------------------------------------------------------


@require_GET
def supervision_list(request):
    if not request.user.has_perm(VIEW_SUPERVISION):
        raise PermissionDenied
    state = request.GET.get("state", "")
    rows = selectors.supervision_rows_for_user(
        request.user, now=timezone.now(), settings=service_settings(), state=state
    )
    return render(
        request,
        "cate/supervision_list.html",
        {
            "page": paginate(request, rows),
            "state": state,
            "query": query_without_page(request),
            "can_record": request.user.has_perm(RECORD_SUPERVISION),
        },
    )


@require_GET
def supervision_worker(request, user_pk: int):
    worker = selectors.supervision_worker_get(request.user, user_pk)
    row = selectors.supervision_rows(now=timezone.now(), settings=service_settings(), worker_ids=[worker.pk])
    page = paginate(request, selectors.supervisions_of(worker))
    return render(
        request,
        "cate/supervision_worker.html",
        {
            "worker": worker,
            "row": row[0] if row else None,
            "page": page,
            "can_record": request.user.has_perm(RECORD_SUPERVISION),
        },
    )


def supervision_add(request, user_pk: int):
    worker = selectors.supervision_worker_get(request.user, user_pk)
    if not request.user.has_perm(RECORD_SUPERVISION):
        raise PermissionDenied
    form = forms.SupervisionForm(request.POST or None, cases=selectors.supervision_cases(worker, request.user))
    response = submit(
        request,
        form,
        services.supervision_record,
        worker=worker,
        success=reverse("cate:supervision_worker", args=[worker.pk]),
        message="Supervision recorded",
    )
    return response or render(request, "cate/supervision_form.html", {"form": form, "worker": worker})


# --- Children in care: the CSE risk review ----------------------------------------------------


@require_GET
def cic_review_list(request):
    if not request.user.has_perm(VIEW_CIC_REVIEW):
        raise PermissionDenied
    state = request.GET.get("state", "")
    rows = selectors.cic_rows_for_user(request.user, now=timezone.now(), settings=service_settings(), state=state)
    return render(
        request,
        "cate/cic_review_list.html",
        {
            "page": paginate(request, rows),
            "state": state,
            "query": query_without_page(request),
            "can_record": request.user.has_perm(RECORD_CIC_REVIEW),
        },
    )


def cic_review_add(request, pk: int):
    episode = selectors.cic_episode_get(request.user, pk)
    if not request.user.has_perm(RECORD_CIC_REVIEW):
        raise PermissionDenied
    form = forms.CicReviewForm(request.POST or None)
    response = submit(
        request,
        form,
        services.cic_review_record,
        episode=episode,
        success=reverse("cate:cic_review_list"),
        message="CSE risk review recorded",
    )
    reviews = selectors.cic_reviews_of_episode(episode)
    return response or render(
        request, "cate/cic_review_form.html", {"form": form, "episode": episode, "reviews": reviews}
    )


# --- The monthly audit -------------------------------------------------------------------------


@require_GET
def audit_list(request):
    if not request.user.has_perm(VIEW_AUDIT):
        raise PermissionDenied
    state = request.GET.get("state", "")
    rows = selectors.audit_items_for_user(request.user, state)
    return render(
        request,
        "cate/audit_list.html",
        {"page": paginate(request, rows), "state": state, "query": query_without_page(request)},
    )


def audit_item(request, pk: int):
    item = selectors.audit_item_get(request.user, pk)
    can_audit = request.user.has_perm(AUDIT_CLOSED_WORK)
    if request.method == "POST" and not can_audit:
        raise PermissionDenied
    initial = {"version": item.version, "judgement": item.judgement, "reason": item.reason, "action": item.action}
    form = forms.AuditJudgementForm(request.POST or None, initial=initial)
    response = submit(
        request,
        form,
        services.audit_item_judge,
        item=item,
        success=reverse("cate:audit_list") + "?state=awaiting",
        message="Audit recorded",
    )
    return response or render(request, "cate/audit_item.html", {"form": form, "item": item, "can_audit": can_audit})

"""Pages of the front door: thin views over selectors, forms and services.

A record the user may not see answers 404 (the selectors); an action the user's role may not take
on a record they can see answers 403. Every view of a child, contact or MACE is access-logged.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core import selectors as selectors_core
from core.choices import AccessAction
from core.forms import add_service_errors, refuse_if_stale
from core.middleware import otp_exempt
from core.models import AccessLog
from core.permissions import role_required
from core.selectors import service_settings
from core.timescales import REGISTRY

from . import forms, hooks, limits, selectors, services
from .choices import ExploitationFactor, FactorLevel, MaceStatus, RecordStatus, highest_threshold_of
from .models import Child
from .permissions import (
    ADD_CHILD,
    ADD_CONTACT,
    ASSESS_THRESHOLD,
    CHANGE_CHILD,
    CHANGE_CONTACT,
    CLOSE_MACE,
    COMPLETE_FOLLOW_UP,
    DECIDE_CONTACT,
    FRONT_DOOR_ROLES,
    LANDING_ROLES,
    MERGE_CHILD,
    MERGE_RECORD_ROLES,
    REQUEST_MACE,
    RESTRICT_CHILD,
    REVERSE_CHILD_MERGE,
    SCREEN_CONTACT,
    VIEW_ALL_MACE_ENTRIES,
    VIEW_CHILD,
    VIEW_CONTACT,
    VIEW_FOLLOW_UP,
    VIEW_MACE,
    VIEW_MACE_ENTRIES,
)

PAGE_SIZE = 25


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _safe_next(request, default: str) -> str:
    """A `next` path on this site, or the default (never a bare word: redirect() would try to
    reverse it as a URL name and fail)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default


def _require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _log(request, *objs, action: str = AccessAction.VIEW) -> None:
    for obj in objs:
        if obj is not None:
            audit.log_access(request, obj, action=action)


def _log_search(request, children) -> None:
    """Who saw which child in search results: one row per child, written in one query."""
    children = list(children)
    if not children:
        return
    content_type = ContentType.objects.get_for_model(Child)
    path, address = request.get_full_path()[:500], audit.client_ip(request)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=request.user,
                action=AccessAction.SEARCH,
                content_type=content_type,
                object_id=str(child.pk),
                object_repr=str(child)[:200],
                child_number=child.pk,
                path=path,
                ip_address=address,
            )
            for child in children
        ]
    )


def _pk(value) -> int | None:
    """A record number from the request, or None: ASCII digits only ('²'.isdigit() is True, but
    int('²') fails), and short enough for the database's integer columns."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _version(request) -> int | None:
    return _pk(request.POST.get("version"))


# --- Landing page --------------------------------------------------------------------------


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    user, now = request.user, timezone.now()
    context = {"can_record": user.has_perm(ADD_CONTACT), "can_see_front_door": user.has_perm(VIEW_CONTACT)}
    if context["can_see_front_door"]:
        context["counts"] = selectors.screening_queue_counts(user, now=now)
    if user.has_perm(VIEW_FOLLOW_UP):
        context["overdue_follow_ups"] = selectors.overdue_follow_up_count(user, now=now)
    if user.has_perm(VIEW_MACE):
        open_requests = selectors.mace_requests_visible_to(user).filter(status=MaceStatus.OPEN)
        if not context["can_see_front_door"] and user.agency_id:
            open_requests = open_requests.filter(
                recipients__agency_id=user.agency_id, recipients__responded_at__isnull=True
            )
            context["agency"] = user.agency
        context["open_enquiries"] = open_requests.count()
    context["can_see_merges"] = user.has_perm(MERGE_CHILD)
    return render(request, "contacts/index.html", context)


# --- Screening queue and contacts ----------------------------------------------------------


@require_GET
@role_required(*FRONT_DOOR_ROLES)
def queue(request):
    now, current = timezone.now(), service_settings()
    form = forms.QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters(**form.cleaned_data) if form.is_valid() else selectors.QueueFilters()
    rows = selectors.screening_queue(request.user, now=now, settings=current, filters=filters)
    page = _page(request, rows)
    for contact in page.object_list:
        contact.due_state = current.classify("contact_decision", contact.decision_due_at, now=now)
    return render(
        request,
        "contacts/contact_queue.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "counts": selectors.screening_queue_counts(request.user, now=now),
            "can_screen": request.user.has_perm(SCREEN_CONTACT),
            "repeat_threshold": current["repeat_contacts_alert"],
            "repeat_window": current.duration("repeat_contacts_window"),
        },
    )


@require_POST
def contact_assign(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, SCREEN_CONTACT)
    try:
        services.contact_assign(
            contact=contact, assignee=request.user, actor=request.user, expected_version=_version(request)
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Contact {contact.reference} is assigned to you.")
    return redirect(_safe_next(request, contact.get_absolute_url()))


@require_POST
def contact_release(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, SCREEN_CONTACT)
    try:
        services.contact_release(contact=contact, actor=request.user, expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Contact {contact.reference} is back in the queue.")
    return redirect(_safe_next(request, contact.get_absolute_url()))


@require_GET
@role_required(*FRONT_DOOR_ROLES)
def contact_list(request):
    form = forms.ContactListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.contact_list(request.user, text=data.get("text", ""), status=data.get("status", ""))
    return render(
        request,
        "contacts/contact_list.html",
        {"form": form, "page": _page(request, rows), "query": _query_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
def contact_create(request):
    _require_perm(request, ADD_CONTACT)
    child = None
    child_id = _pk(request.POST.get("child") or request.GET.get("child"))
    if child_id is not None:
        child = selectors.child_get_for_user(request.user, child_id)
        _log(request, child)
    form = forms.ContactForm(request.POST or None, initial={"received_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, data=form.contact_data(), child=child)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.reference} recorded. It is in the screening queue.")
            return redirect(contact)
    return render(request, "contacts/contact_form.html", {"form": form, "child": child, "is_new": True})


@require_GET
def contact_detail(request, pk: int):
    user, now, current = request.user, timezone.now(), service_settings()
    contact = selectors.contact_get_for_user(user, pk)
    _log(request, contact, contact.child)
    assessment = getattr(contact, "threshold_assessment", None)
    follow_up = getattr(contact, "follow_up", None)
    mace_requests = list(
        selectors.mace_requests_visible_to(user)
        .filter(contact=contact)
        .select_related("requested_by")
        .prefetch_related("recipients__agency")
        .order_by("requested_at", "id")
    )
    for mace in mace_requests:
        for recipient in mace.recipients.all():
            recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    repeat_count = selectors.recent_contact_count(contact.child, now=now, settings=current) if contact.child_id else 0
    involvements = hooks.involvements_for_children([contact.child_id], user=user).get(contact.child_id, [])
    context = {
        "contact": contact,
        "child": contact.child,
        "due_state": current.classify("contact_decision", contact.decision_due_at, now=now, met_at=contact.decided_at),
        "previous_contacts": list(selectors.previous_contacts(contact)[:20]) if contact.child_id else [],
        "repeat_count": repeat_count,
        "repeat_threshold": current["repeat_contacts_alert"],
        "repeat_window": current.duration("repeat_contacts_window"),
        "involvements": involvements,
        "assessment": assessment,
        "factor_rows": _factor_rows(assessment),
        "assessment_history": list(assessment.history.select_related("history_user").order_by("-history_date"))
        if assessment
        else [],
        "mace_requests": mace_requests,
        "mace_entries": list(selectors.mace_entries_for_contact(user, contact))
        if user.has_perm(VIEW_ALL_MACE_ENTRIES)
        else None,
        "follow_up": follow_up,
        "follow_up_state": current.classify(
            "early_help_follow_up", follow_up.due_at, now=now, met_at=follow_up.completed_at
        )
        if follow_up
        else None,
        "history": list(contact.history.select_related("history_user").order_by("-history_date")[:50]),
        "can_screen": user.has_perm(SCREEN_CONTACT) and contact.is_open,
        "can_edit": user.has_perm(CHANGE_CONTACT) and contact.is_open,
        "can_assess": user.has_perm(ASSESS_THRESHOLD) and contact.is_open,
        "can_mace": user.has_perm(REQUEST_MACE) and contact.is_open and contact.child_id is not None,
        "can_decide": user.has_perm(DECIDE_CONTACT) and contact.is_open,
        "is_late": contact.is_open and now > contact.decision_due_at,
    }
    return render(request, "contacts/contact_detail.html", context)


def _factor_rows(assessment):
    if assessment is None:
        return []
    rows = []
    for factor in ExploitationFactor:
        value = assessment.factors.get(factor.value, {})
        level = value.get("level") or ""
        rows.append(
            {
                "factor": factor,
                "level": FactorLevel(level).label if level in FactorLevel.values else "Not recorded",
                "level_code": level,
                "evidence": value.get("evidence", ""),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, CHANGE_CONTACT)
    _log(request, contact)
    form = forms.ContactEditForm(request.POST or None, initial=forms.ContactForm.initial_for(contact))
    if not contact.is_open and not refuse_if_stale(form, contact):
        messages.error(request, "This contact has been decided: its details can no longer change.")
        return redirect(contact)
    if request.method == "POST" and contact.is_open and form.is_valid():
        try:
            services.contact_update(
                contact=contact,
                actor=request.user,
                data=form.contact_data(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.reference} updated.")
            return redirect(contact)
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "contact": contact, "child": contact.child, "is_new": False},
    )


@require_http_methods(["GET", "POST"])
def contact_link_child(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, CHANGE_CONTACT)
    _log(request, contact)
    if request.method == "POST":
        child_id = _pk(request.POST.get("child"))
        child = selectors.child_get_for_user(request.user, child_id) if child_id is not None else None
        if child is None:
            messages.error(request, "Choose a child from the results.")
            return redirect("contacts:contact_link_child", pk=contact.pk)
        try:
            services.contact_link_child(
                contact=contact, child=child, actor=request.user, expected_version=_version(request)
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("contacts:contact_link_child", pk=contact.pk)
        messages.success(request, f"Contact {contact.reference} is now about {child.full_name}.")
        return redirect(contact)
    data = request.GET if request.GET else {"name": contact.reported_child_name}
    form = forms.ChildSearchForm(data)
    results = []
    if form.is_valid():
        results = list(selectors.child_search(request.user, form.query())[:PAGE_SIZE])
        _log_search(request, results)
    return render(
        request,
        "contacts/contact_link_child.html",
        {"contact": contact, "form": form, "results": results, "searched": form.is_bound and form.is_valid()},
    )


@require_http_methods(["GET", "POST"])
def contact_entered_in_error(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, SCREEN_CONTACT)
    _log(request, contact)
    form = forms.EnteredInErrorForm(request.POST or None, initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_mark_entered_in_error(
                contact=contact,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.reference} marked as entered in error.")
            return redirect("contacts:queue")
    return render(request, "contacts/contact_entered_in_error.html", {"form": form, "contact": contact})


# --- Threshold assessment ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def threshold_assess(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, ASSESS_THRESHOLD)
    _log(request, contact, contact.child)
    assessment = getattr(contact, "threshold_assessment", None)
    initial = forms.ThresholdForm.initial_for(assessment) if assessment else {"version": 0}
    form = forms.ThresholdForm(request.POST or None, initial=initial, is_revision=assessment is not None)
    if not contact.is_open and not (assessment is not None and refuse_if_stale(form, assessment)):
        messages.error(request, "This contact has been decided: the threshold assessment can no longer change.")
        return redirect(contact)
    if request.method == "POST" and contact.is_open and form.is_valid():
        try:
            services.threshold_assess(
                contact=contact,
                actor=request.user,
                factors=form.factors(),
                overall_level=form.cleaned_data["overall_level"],
                reason_differs_from_highest=form.cleaned_data["reason_differs_from_highest"],
                revision_reason=form.cleaned_data.get("revision_reason", ""),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Threshold assessment saved.")
            return redirect(contact)
    highest = None
    if form.is_bound and all(form.data.get(f"{f.value}_level") in FactorLevel.values for f in ExploitationFactor):
        highest = highest_threshold_of(form.data.get(f"{f.value}_level") for f in ExploitationFactor)
    return render(
        request,
        "contacts/threshold_form.html",
        {"form": form, "contact": contact, "assessment": assessment, "highest": highest},
    )


# --- MACE ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mace_create(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, REQUEST_MACE)
    _log(request, contact, contact.child)
    if contact.child_id is None:
        messages.error(request, "Link the contact to a child before asking other agencies about them.")
        return redirect(contact)
    form = forms.MaceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mace = services.mace_request_send(
                contact=contact,
                actor=request.user,
                agencies=form.cleaned_data["agencies"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Enquiry sent. Answers are due {timezone.localtime(mace.due_at):%-d %B %Y at %H:%M}."
            )
            return redirect(mace)
    due = service_settings().due("mace_response", timezone.now())
    return render(request, "contacts/mace_form.html", {"form": form, "contact": contact, "due": due})


@require_GET
@role_required(*LANDING_ROLES)
def mace_list(request):
    if not request.user.has_perm(VIEW_MACE):
        raise PermissionDenied
    now, current = timezone.now(), service_settings()
    form = forms.MaceListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.mace_list(request.user, text=data.get("text", ""), state=data.get("state", ""))
    page = _page(request, rows)
    for mace in page.object_list:
        for recipient in mace.recipients.all():
            recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    return render(
        request,
        "contacts/mace_list.html",
        {"form": form, "page": page, "query": _query_without_page(request), "is_partner": _is_partner(request.user)},
    )


def _is_partner(user) -> bool:
    return selectors._is_partner(user)


def _mace_context(request, mace, entry_form=None):
    user, now, current = request.user, timezone.now(), service_settings()
    recipients = list(selectors.mace_recipients_for_user(user, mace))
    for recipient in recipients:
        recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    can_respond = mace.status == MaceStatus.OPEN and selectors.user_may_respond_to_mace(user, mace)
    sees_entries = user.has_perm(VIEW_ALL_MACE_ENTRIES) or user.has_perm(VIEW_MACE_ENTRIES)
    return {
        "mace": mace,
        "child": mace.contact.child,
        "recipients": recipients,
        "entries": list(selectors.mace_entries_for_request(user, mace)) if sees_entries else None,
        "sees_all_entries": user.has_perm(VIEW_ALL_MACE_ENTRIES),
        "is_partner": _is_partner(user),
        "can_respond": can_respond,
        "can_close": user.has_perm(CLOSE_MACE) and mace.status == MaceStatus.OPEN,
        "can_see_contact": user.has_perm(VIEW_CONTACT),
        "entry_form": entry_form or (forms.MaceEntryForm() if can_respond else None),
        "form": entry_form,
    }


@require_GET
def mace_detail(request, pk: int):
    mace = selectors.mace_request_get_for_user(request.user, pk)
    _log(request, mace, mace.contact.child)
    return render(request, "contacts/mace_detail.html", _mace_context(request, mace))


@require_POST
def mace_entry_create(request, pk: int):
    mace = selectors.mace_request_get_for_user(request.user, pk)
    if not selectors.user_may_respond_to_mace(request.user, mace):
        raise PermissionDenied
    _log(request, mace, mace.contact.child)
    form = forms.MaceEntryForm(request.POST)
    if form.is_valid():
        try:
            services.mace_entry_add(
                request=mace,
                actor=request.user,
                information=form.cleaned_data["information"],
                systems_checked=form.cleaned_data["systems_checked"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your agency's information has been added.")
            return redirect(mace)
    return render(request, "contacts/mace_detail.html", _mace_context(request, mace, entry_form=form))


@require_POST
def mace_close(request, pk: int):
    mace = selectors.mace_request_get_for_user(request.user, pk)
    _require_perm(request, CLOSE_MACE)
    services.mace_request_close(request=mace, actor=request.user)
    messages.success(request, "Enquiry closed.")
    return redirect(mace)


@require_GET
def mace_export(request, pk: int):
    """The entries of an enquiry as CSV: a partner's export holds only their agency's entries."""
    mace = selectors.mace_request_get_for_user(request.user, pk)
    if not (request.user.has_perm(VIEW_ALL_MACE_ENTRIES) or request.user.has_perm(VIEW_MACE_ENTRIES)):
        raise PermissionDenied
    _log(request, mace, mace.contact.child, action=AccessAction.EXPORT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mace-{mace.pk}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["Enquiry", "Child", "Agency", "Added by", "Added at", "Systems checked", "Information"])
    for entry in selectors.mace_entries_for_request(request.user, mace):
        writer.writerow(
            [
                mace.pk,
                _csv_safe(mace.contact.child.full_name),
                _csv_safe(entry.agency.name),
                _csv_safe(str(entry.author)),
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                _csv_safe(entry.systems_checked),
                _csv_safe(entry.information),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet treating text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Decision and follow-ups ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_decide(request, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    _require_perm(request, DECIDE_CONTACT)
    _log(request, contact, contact.child)
    now = timezone.now()
    is_late = now > contact.decision_due_at
    form = forms.DecisionForm(request.POST or None, initial={"version": contact.version}, is_late=is_late)
    if not contact.is_open and not refuse_if_stale(form, contact):
        messages.error(request, "This contact has already been decided.")
        return redirect(contact)
    if request.method == "POST" and contact.is_open and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_decide(
                contact=contact,
                actor=request.user,
                outcome=data["outcome"],
                outcome_detail=data["outcome_detail"],
                early_help_agency=data["early_help_agency"],
                early_help_service=data["early_help_service"],
                refer_to_cate="cate" in data["refer_to"],
                refer_to_statutory="statutory" in data["refer_to"],
                late_decision_reason=data.get("late_decision_reason", ""),
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded for contact {contact.reference}.")
            return redirect(contact)
    return render(
        request,
        "contacts/contact_decide.html",
        {
            "form": form,
            "contact": contact,
            "is_late": is_late,
            "has_assessment": hasattr(contact, "threshold_assessment"),
            "follow_up_after": service_settings().duration("early_help_follow_up"),
        },
    )


@require_GET
@role_required(*FRONT_DOOR_ROLES)
def follow_up_list(request):
    now, current = timezone.now(), service_settings()
    form = forms.FollowUpFilterForm(request.GET or None)
    state = (form.cleaned_data.get("state") if form.is_valid() else "") or "open"
    rows = selectors.follow_up_list(request.user, now=now, state=state)
    page = _page(request, rows)
    for follow_up in page.object_list:
        follow_up.due_state = current.classify(
            "early_help_follow_up", follow_up.due_at, now=now, met_at=follow_up.completed_at
        )
    return render(
        request,
        "contacts/follow_up_list.html",
        {
            "form": form,
            "page": page,
            "state": state,
            "query": _query_without_page(request),
            "overdue": selectors.overdue_follow_up_count(request.user, now=now),
            "can_complete": request.user.has_perm(COMPLETE_FOLLOW_UP),
        },
    )


@require_http_methods(["GET", "POST"])
def follow_up_complete(request, pk: int):
    follow_up = selectors.follow_up_get_for_user(request.user, pk)
    _require_perm(request, COMPLETE_FOLLOW_UP)
    _log(request, follow_up.contact)
    form = forms.FollowUpForm(request.POST or None, initial={"version": follow_up.version})
    if follow_up.is_done and not refuse_if_stale(form, follow_up):
        messages.error(request, "This follow-up has already been recorded.")
        return redirect("contacts:follow_up_list")
    if request.method == "POST" and not follow_up.is_done and form.is_valid():
        try:
            services.follow_up_complete(
                follow_up=follow_up,
                actor=request.user,
                action_taken=form.cleaned_data["action_taken"] == "yes",
                notes=form.cleaned_data["notes"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Follow-up of contact {follow_up.contact.reference} recorded.")
            return redirect("contacts:follow_up_list")
    now = timezone.now()
    state = service_settings().classify("early_help_follow_up", follow_up.due_at, now=now)
    return render(request, "contacts/follow_up_form.html", {"form": form, "follow_up": follow_up, "due_state": state})


# --- The child index -----------------------------------------------------------------------


@require_GET
@role_required(*FRONT_DOOR_ROLES)
def child_search(request):
    form = forms.ChildSearchForm(request.GET or None)
    page, searched = None, False
    if form.is_bound and form.is_valid() and not form.query().is_empty:
        searched = True
        page = _page(request, selectors.child_search(request.user, form.query()))
        _log_search(request, page.object_list)
    return render(
        request,
        "contacts/child_search.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "query": _query_without_page(request),
            "can_add": request.user.has_perm(ADD_CHILD),
            "can_record": request.user.has_perm(ADD_CONTACT),
        },
    )


@require_http_methods(["GET", "POST"])
def child_create(request):
    _require_perm(request, ADD_CHILD)
    contact = None
    contact_id = _pk(request.POST.get("contact") or request.GET.get("contact"))
    if contact_id is not None:
        contact = selectors.contact_get_for_user(request.user, contact_id)
    initial = {
        "first_name": request.GET.get("first_name", "")[:100],
        "last_name": request.GET.get("last_name", "")[:100],
    }
    form = forms.ChildCreateForm(request.POST or None, initial=initial)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                actor=request.user, data=form.child_data(), confirmed_not_duplicate=form.cleaned_data["confirm_new"]
            )
        except services.PossibleDuplicates as exc:
            matches = exc.matches
            _log_search(request, [m.child for m in matches])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{child.full_name} added to the index.")
            if contact is not None and contact.is_open and request.user.has_perm(CHANGE_CONTACT):
                try:
                    services.contact_link_child(contact=contact, child=child, actor=request.user)
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                return redirect(contact)
            return redirect(child)
    return render(
        request,
        "contacts/child_form.html",
        {"form": form, "matches": matches, "contact": contact, "is_new": True, "page_has_errors": bool(matches)},
    )


@require_GET
def child_detail(request, pk: int):
    user = request.user
    child = selectors.child_get_for_user(user, pk)
    _log(request, child)
    contacts = list(
        selectors.contacts_visible_to(user)
        .filter(child=child)
        .select_related("decided_by", "assigned_to")
        .order_by("-received_at", "-id")[:50]
    )
    return render(
        request,
        "contacts/child_detail.html",
        {
            "child": child,
            "contacts": contacts,
            "involvements": hooks.involvements_for_children([child.pk], user=user).get(child.pk, []),
            "mace_entries": list(selectors.mace_entries_for_child(user, child))
            if user.has_perm(VIEW_ALL_MACE_ENTRIES)
            else None,
            "merges": list(selectors.merges_of_child(child)),
            "history": list(child.history.select_related("history_user").order_by("-history_date")[:50]),
            "can_edit": user.has_perm(CHANGE_CHILD) and child.status == RecordStatus.ACTIVE,
            "can_merge": user.has_perm(MERGE_CHILD) and child.status == RecordStatus.ACTIVE,
            "can_restrict": user.has_perm(RESTRICT_CHILD) and child.status == RecordStatus.ACTIVE,
            "can_record": user.has_perm(ADD_CONTACT) and child.status == RecordStatus.ACTIVE,
        },
    )


@require_http_methods(["GET", "POST"])
def child_edit(request, pk: int):
    child = selectors.child_get_for_user(request.user, pk)
    _require_perm(request, CHANGE_CHILD)
    _log(request, child)
    if child.status != RecordStatus.ACTIVE:
        messages.error(request, "This record has been merged or marked entered in error: it cannot change.")
        return redirect(child)
    form = forms.ChildEditForm(request.POST or None, initial=forms.ChildForm.initial_for(child))
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                child=child,
                actor=request.user,
                data=form.child_data(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{child.full_name}'s record updated.")
            return redirect(child)
    return render(request, "contacts/child_form.html", {"form": form, "child": child, "is_new": False})


@require_GET
def child_restriction_find(request):
    """Group managers and administrators: find a record by its number to restrict it, and the
    restricted records they are named on."""
    _require_perm(request, RESTRICT_CHILD)
    form = forms.ChildRestrictionFindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        child = selectors.children_restrictable_by(request.user).filter(pk=form.cleaned_data["child"]).first()
        if child is not None:
            return redirect("contacts:child_restriction", pk=child.pk)
        form.add_error("child", "There is no record with this number that you can restrict")
    restricted = _page(request, selectors.children_restrictable_by(request.user).filter(is_restricted=True))
    audit.log_access_many(request, restricted.object_list)
    return render(request, "contacts/child_restriction_find.html", {"form": form, "page": restricted})


@require_http_methods(["GET", "POST"])
def child_restriction(request, pk: int):
    """Restrict a child's record to named staff, or lift the restriction, with a reason."""
    _require_perm(request, RESTRICT_CHILD)
    child = selectors.child_get_for_restriction(request.user, pk)
    _log(request, child)
    named = list(child.restricted_to.all())
    holders = hooks.holders_of_children([child.pk]).get(child.pk, [])
    # Those who hold the child's records are ticked to start with: restricting must not take their work away.
    ticked = [user.pk for user in named] if child.is_restricted else [holder.user_id for holder in holders]
    form = forms.ChildRestrictionForm(
        request.POST or None,
        staff=selectors_core.staff_list().filter(is_active=True).order_by("first_name", "last_name", "pk"),
        initial={"is_restricted": "yes" if child.is_restricted else "no", "staff": ticked, "version": child.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.child_restrict(
                child=child,
                actor=request.user,
                is_restricted=data["is_restricted"],
                staff=data["staff"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Access to {child.full_name}'s record updated.")
            if request.user.has_perm(VIEW_CHILD):
                return redirect(child)
            return redirect("contacts:child_restriction_find")
    named_ids = {user.pk for user in named}
    unnamed_holders = [holder for holder in holders if child.is_restricted and holder.user_id not in named_ids]
    return render(
        request,
        "contacts/child_restriction.html",
        {"form": form, "child": child, "named": named, "holders": holders, "unnamed_holders": unnamed_holders},
    )


@require_http_methods(["GET", "POST"])
def child_merge(request, pk: int):
    child = selectors.child_get_for_user(request.user, pk)
    _require_perm(request, MERGE_CHILD)
    _log(request, child)
    if child.status != RecordStatus.ACTIVE:
        messages.error(request, "This record has already been merged.")
        return redirect(child)
    other_id = _pk(request.POST.get("other") or request.GET.get("other"))
    if other_id is None and request.method == "POST":
        messages.error(request, "Choose the record to merge with.")
        return redirect("contacts:child_merge", pk=child.pk)
    if other_id is None:
        suggestions = selectors.likely_duplicates(
            request.user,
            first_name=child.first_name,
            last_name=child.last_name,
            known_as=child.known_as,
            date_of_birth=child.date_of_birth,
            postcode=child.postcode,
            nhs_number=child.nhs_number,
            exclude_pk=child.pk,
        )
        search_form = forms.ChildSearchForm(request.GET if "name" in request.GET else None)
        results = []
        if search_form.is_bound and search_form.is_valid():
            results = [
                c for c in selectors.child_search(request.user, search_form.query())[:PAGE_SIZE] if c.pk != child.pk
            ]
        _log_search(request, [m.child for m in suggestions] + results)
        return render(
            request,
            "contacts/child_merge_choose.html",
            {"child": child, "suggestions": suggestions, "form": search_form, "results": results},
        )
    other = selectors.child_get_for_user(request.user, other_id)
    _log(request, other)
    if other.pk == child.pk or other.status != RecordStatus.ACTIVE:
        messages.error(request, "Choose another active record to merge with.")
        return redirect("contacts:child_merge", pk=child.pk)
    form = forms.MergeForm(request.POST or None, child=child, other=other)
    if request.method == "POST" and form.is_valid():
        keep = int(form.cleaned_data["keep"])
        target, source = (child, other) if keep == child.pk else (other, child)
        try:
            services.child_merge(source=source, target=target, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Records merged: child {source.pk} is now part of child {target.pk}.")
            return redirect(target)
    return render(
        request,
        "contacts/child_merge_confirm.html",
        {"form": form, "child": child, "other": other, "comparison": _comparison(child, other)},
    )


_COMPARED = (
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
    "school",
    "nhs_number",
)


def _display(child, name: str) -> str:
    value = getattr(child, f"get_{name}_display", lambda: getattr(child, name))()
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return "" if value is None else str(value)


def _comparison(child, other) -> list[tuple[str, str, str]]:
    rows = [
        (str(Child._meta.get_field(name).verbose_name).capitalize(), _display(child, name), _display(other, name))
        for name in _COMPARED
    ]
    counts = {c.pk: "\n".join(f"{label}: {n}" for label, n in _linked_counts(c)) for c in (child, other)}
    rows.append(("Linked records", counts[child.pk], counts[other.pk]))
    return rows


def _linked_counts(child) -> list[tuple[str, int]]:
    counts = []
    for model, field in services.child_link_fields():
        n = model._default_manager.filter(**{field.name: child}).count()
        if n:
            counts.append((str(model._meta.verbose_name_plural).capitalize(), n))
    return counts


@require_GET
@role_required(*MERGE_RECORD_ROLES)
def merge_list(request):
    rows = selectors.merge_list_for_user(request.user)
    return render(request, "contacts/merge_list.html", {"page": _page(request, rows), "query": ""})


@require_http_methods(["GET", "POST"])
def merge_detail(request, pk: int):
    merge = selectors.merge_get_for_user(request.user, pk)
    can_reverse = request.user.has_perm(REVERSE_CHILD_MERGE) and merge.reversed_at is None
    form = forms.MergeReverseForm(request.POST or None) if can_reverse else None
    if request.method == "POST":
        if not can_reverse:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.child_merge_reverse(merge=merge, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Merge {merge.pk} reversed: child {merge.source_id} is a separate record again."
                )
                return redirect("contacts:merge_detail", pk=merge.pk)
    labels = {model._meta.label_lower: model._meta.verbose_name_plural for model, _ in services.child_link_fields()}
    moved = [(str(labels.get(group["model"], group["model"])).capitalize(), len(group["pks"])) for group in merge.moved]
    return render(request, "contacts/merge_detail.html", {"merge": merge, "moved": moved, "form": form})


# --- The anonymous online form (public) ----------------------------------------------------


def _minutes_until(moment) -> int:
    seconds = (moment - timezone.now()).total_seconds()
    return max(1, int(-(-seconds // 60)))


@login_not_required
@otp_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def anonymous_referral(request):
    """Tell Family Connect about a child you are worried about, without saying who you are."""
    address = audit.client_ip(request)
    context = {"limits": limits}
    if request.method == "POST":
        form = forms.AnonymousReferralForm(request.POST)
        limited_until = services.anonymous_form_is_limited(address)
        if limited_until is not None:
            minutes = _minutes_until(limited_until)
            form.full_clean()
            form.errors.clear()
            form.add_error(
                None,
                "Too many reports have been sent from this connection. Your report has not been sent. "
                f"You can send it in {minutes} minute{'s' if minutes != 1 else ''}: what you typed is still below. "
                "If a child is in danger right now, call 999.",
            )
            context.update(form=form, started_token=forms.form_started_token())
            return render(request, "contacts/anonymous_referral_form.html", context, status=429)
        if form.is_valid():
            contact = services.anonymous_referral_submit(
                address=address, **{name: form.cleaned_data[name] for name in form.VISIBLE_FIELDS}
            )
            request.session["anonymous_reference"] = contact.reference
            return redirect("contacts:anonymous_referral_sent")
        if form.spam_reason:
            services.anonymous_form_attempt_record(address=address, accepted=False)
    else:
        form = forms.AnonymousReferralForm()
    context.update(form=form, started_token=forms.form_started_token())
    return render(request, "contacts/anonymous_referral_form.html", context)


@login_not_required
@otp_exempt
@never_cache
@require_GET
def anonymous_referral_sent(request):
    reference = request.session.get("anonymous_reference")
    if not reference:
        return redirect("contacts:anonymous_referral")
    decision = REGISTRY["contact_decision"]
    return render(
        request,
        "contacts/anonymous_referral_sent.html",
        {"reference": reference, "decision_time": service_settings().duration(decision.key)},
    )

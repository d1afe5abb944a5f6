"""Reads of the front door, filtered by what the user may see.

A record the user may not see answers 404 like one that does not exist. Partner agency
practitioners see only the MACE requests sent to their agency and only their agency's entries
(`001:L1389-1394`); every list, search, detail and export of MACE records goes through
`mace_requests_visible_to` and `mace_entries_visible_to`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    ForeignObjectRel,
    IntegerField,
    ManyToManyRel,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Now
from django.shortcuts import get_object_or_404
from simple_history.models import HistoricalChanges

from core import clock
from core.clock import Duration, Unit
from core.roles import Role
from core.selectors import ServiceSettings
from core.timescales import REGISTRY

from . import search
from .choices import ContactStatus, MaceStatus, RecordStatus, ThresholdStatus
from .models import (
    AnonymousFormAttempt,
    Child,
    ChildMerge,
    ChildNameKey,
    Contact,
    EarlyHelpFollowUp,
    MaceEntry,
    MaceRecipient,
    MaceRequest,
    PossibleDuplicate,
    ThresholdAssessment,
)
from .permissions import (
    VIEW_ALL_MACE_ENTRIES,
    VIEW_CHILD_MERGE,
    VIEW_CONTACT,
    VIEW_FOLLOW_UP,
    VIEW_MACE,
    VIEW_MACE_ENTRIES,
    is_partner,
)

# Who may see which child and contact lives in .visibility; read here too, as every app has.
from .visibility import (  # noqa: F401
    child_get_for_restriction,
    child_list_for_user,
    child_named_staff_ids,
    child_readable,
    child_restrictable_or_none,
    children_hidden_from,
    children_restrictable_by,
    children_visible_to,
    contact_readable,
    contacts_visible_to,
    contacts_worked_on,
    hidden_children,
    restricted_child_list_for_user,
    restriction_staff_choices,
    worked_on,
)

OPEN_CONTACT_STATUSES = (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)

# --- Children ------------------------------------------------------------------------------


def child_get_for_user(user, pk: int) -> Child:
    related = ("merged_into", "created_by", "registered_practice")
    return get_object_or_404(child_list_for_user(user).select_related(*related), pk=pk)


def child_search(user, query: search.ChildQuery) -> QuerySet[Child]:
    """Active children matching every given criterion, best name matches first."""
    if query.is_empty:
        return Child.objects.none()
    return search.apply_query(child_list_for_user(user).filter(status=RecordStatus.ACTIVE), query)


def child_search_too_broad(user, query: search.ChildQuery) -> bool:
    """Whether more active children share the name's keys than one search compares (the page says so)."""
    return search.too_broad(child_list_for_user(user).filter(status=RecordStatus.ACTIVE), query)


@dataclass
class DuplicateMatch:
    child: Child
    reasons: list[str] = field(default_factory=list)


def likely_duplicates(user, *, exclude_pk: int | None = None, limit: int = 10, **details) -> list[DuplicateMatch]:
    """Active children the user can see who are probably the child being recorded.

    The same NHS number; or a similar first and last name (by spelling or sound) unless both
    records have dates of birth that differ; with the reasons shown to the user. `details`: the
    child's first_name, last_name, known_as, date_of_birth, postcode and nhs_number."""
    children = child_list_for_user(user).filter(status=RecordStatus.ACTIVE)
    return _likely_among(children, exclude_pk=exclude_pk, limit=limit, **details)


def hidden_likely_duplicates(user, *, exclude_pk: int | None = None, **details) -> list[DuplicateMatch]:
    """The same rule among the active records `user` may not know exist (restricted, not naming
    them): never shown to them, recorded as possible duplicates for those records' named staff."""
    children = hidden_children(user).filter(status=RecordStatus.ACTIVE)
    return _likely_among(children, exclude_pk=exclude_pk, limit=10, **details)


def _likely_among(
    children: QuerySet[Child],
    *,
    first_name: str = "",
    last_name: str = "",
    known_as: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[DuplicateMatch]:
    if exclude_pk:
        children = children.exclude(pk=exclude_pk)
    matches: dict[int, DuplicateMatch] = {}
    nhs_number = search.normalise_nhs_number(nhs_number)
    if nhs_number:
        for child in children.filter(nhs_number=nhs_number)[:limit]:
            matches.setdefault(child.pk, DuplicateMatch(child)).reasons.append("Same NHS number")
    name = f"{first_name} {last_name}".strip() or known_as
    if search.name_words(name):
        wanted_postcode = search.normalise_postcode(postcode)
        for child in search.filter_by_name(children, name).order_by("name_rank")[: limit * 3]:
            if date_of_birth and child.date_of_birth and child.date_of_birth != date_of_birth:
                continue
            match = matches.setdefault(child.pk, DuplicateMatch(child))
            match.reasons.append("Similar name")
            if date_of_birth and child.date_of_birth == date_of_birth:
                match.reasons.append("Same date of birth")
            if wanted_postcode and search.normalise_postcode(child.postcode) == wanted_postcode:
                match.reasons.append("Same postcode")
    ranked = sorted(matches.values(), key=lambda m: (-len(m.reasons), m.child.last_name, m.child.pk))
    return ranked[:limit]


def child_link_fields() -> list[tuple[type, Any]]:
    """Every (model, foreign key) that points at a child, in any app, found by walking Child's
    reverse relations (hidden ones included): contacts here, and the referrals, cases, statutory
    and missing episodes of cate/ and whatever other apps add, without importing them.
    History tables, merges, possible duplicates, the names' search keys and the child's own links stay."""
    links = []
    for rel in Child._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or isinstance(rel, ManyToManyRel):
            continue
        model = rel.related_model
        if issubclass(model, HistoricalChanges) or model in (Child, ChildMerge, ChildNameKey, PossibleDuplicate):
            continue
        if model._meta.auto_created is Child:  # the through table of Child.restricted_to
            continue
        links.append((model, rel.field))
    return sorted(links, key=lambda link: (link[0]._meta.label_lower, link[1].name))


def child_linked_counts(child: Child) -> list[tuple[str, int]]:
    """How many records of each kind point at the child (shown before a merge)."""
    counts = []
    for model, link in child_link_fields():
        n = model._default_manager.filter(**{link.name: child}).count()
        if n:
            counts.append((str(model._meta.verbose_name_plural).capitalize(), n))
    return counts


def child_nhs_number_taken(nhs_number: str, *, user, exclude_pk: int | None = None) -> bool:
    """Whether an active child other than `exclude_pk` that `user` may know exists has this NHS
    number (a record hidden from them makes a possible duplicate instead: they learn nothing)."""
    if not nhs_number:
        return False
    others = children_visible_to(user).filter(nhs_number=nhs_number, status=RecordStatus.ACTIVE)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def child_open_nhs_number_taken(child: Child) -> bool:
    """Whether another active record that everyone may see has the child's NHS number (a restriction
    cannot be lifted then: merge the records or correct the number first)."""
    others = Child.objects.filter(nhs_number=child.nhs_number, status=RecordStatus.ACTIVE, is_restricted=False)
    return bool(child.nhs_number) and others.exclude(pk=child.pk).exists()


def merges_of_child(child: Child) -> QuerySet[ChildMerge]:
    return ChildMerge.objects.filter(Q(source=child) | Q(target=child)).select_related("merged_by", "reversed_by")


def merge_list_for_user(user) -> QuerySet[ChildMerge]:
    if not user.is_authenticated or not user.has_perm(VIEW_CHILD_MERGE):
        return ChildMerge.objects.none()
    return ChildMerge.objects.select_related("merged_by", "reversed_by").order_by("-merged_at", "-id")


def merge_get_for_user(user, pk: int) -> ChildMerge:
    return get_object_or_404(merge_list_for_user(user), pk=pk)


# --- Contacts ------------------------------------------------------------------------------


def contact_get_for_user(user, pk: int) -> Contact:
    return get_object_or_404(
        contacts_visible_to(user).select_related(
            "child",
            "assigned_to",
            "recorded_by",
            "decided_by",
            "early_help_agency",
            "threshold_assessment__assessed_by",
            "follow_up__completed_by",
        ),
        pk=pk,
    )


def contact_reference_taken(reference: str) -> bool:
    return Contact.objects.filter(reference=reference).exists()


def contact_has_threshold_assessment(contact: Contact) -> bool:
    return ThresholdAssessment.objects.filter(contact=contact, status=ThresholdStatus.COMPLETE).exists()


def contacts_of_child(user, child: Child, *, limit: int) -> list[Contact]:
    """The child's contacts the user may read, newest first."""
    rows = contacts_visible_to(user).filter(child=child).select_related("decided_by", "assigned_to")
    return list(rows.order_by("-received_at", "-id")[:limit])


def missing_from_education_of_child(user, child: Child) -> list[Contact]:
    """The child's spells missing from education (the schools' reports) the user may read, newest first."""
    rows = contacts_visible_to(user).filter(child=child, kind="missing_from_education")
    return list(rows.only("pk", "reference", "received_at", "school_days_missed", "school_days_threshold"))


def window_start(now: dt.datetime, duration: Duration) -> dt.datetime:
    """The start of a look-back period of `duration` ending at `now`."""
    if duration.unit is Unit.MONTHS:
        return clock.add_months(now, -duration.amount)
    if duration.unit is Unit.WEEKS:
        return clock.add_calendar_days(now, -7 * duration.amount)
    if duration.unit is Unit.CALENDAR_DAYS:
        return clock.add_calendar_days(now, -duration.amount)
    if duration.unit is Unit.CLOCK_HOURS:
        return now - dt.timedelta(hours=duration.amount)
    # Working days or hours, counted back generously as calendar time (never fewer days).
    days = duration.amount if duration.unit is Unit.WORKING_DAYS else -(-duration.amount // 8)
    return clock.add_calendar_days(now, -(days * 7 // 5 + 4))


def with_recent_contact_counts(contacts: QuerySet[Contact], *, since: dt.datetime) -> QuerySet[Contact]:
    """Annotate `recent_contacts`: the child's contacts received since `since` (0 without a child)."""
    recent = (
        Contact.objects.filter(child=OuterRef("child"), received_at__gte=since)
        .exclude(status=ContactStatus.ENTERED_IN_ERROR)
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return contacts.annotate(
        recent_contacts=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0)),
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "", awaiting_screening, in_screening
    assigned: str = ""  # "", "me", "unassigned"
    due: str = ""  # "", "overdue", "due_soon"
    concern: str = ""  # "", "cse", "cce", "other"
    channel: str = ""
    source: str = ""
    origin: str = ""  # "", "anonymous" (the anonymous online form)


def _soon(key: str) -> dt.timedelta:
    return REGISTRY[key].soon


def screening_queue(user, *, now: dt.datetime, settings: ServiceSettings, filters: QueueFilters | None = None):
    """Contacts awaiting a decision, the one due first at the top."""
    filters = filters or QueueFilters()
    contacts = contacts_visible_to(user).filter(status__in=OPEN_CONTACT_STATUSES)
    if filters.status in OPEN_CONTACT_STATUSES:
        contacts = contacts.filter(status=filters.status)
    if filters.assigned == "me":
        contacts = contacts.filter(assigned_to=user)
    elif filters.assigned == "unassigned":
        contacts = contacts.filter(assigned_to__isnull=True)
    if filters.due == "overdue":
        contacts = contacts.filter(decision_due_at__lt=now)
    elif filters.due == "due_soon":
        contacts = contacts.filter(decision_due_at__gte=now, decision_due_at__lte=now + _soon("contact_decision"))
    concern_fields = {"cse": "cse_concern", "cce": "cce_concern", "other": "other_exploitation_concern"}
    if filters.concern in concern_fields:
        contacts = contacts.filter(**{concern_fields[filters.concern]: True})
    if filters.channel:
        contacts = contacts.filter(channel=filters.channel)
    if filters.source:
        contacts = contacts.filter(source=filters.source)
    if filters.origin == "anonymous":
        contacts = contacts.filter(is_anonymous=True)
    since = window_start(now, settings.duration("repeat_contacts_window"))
    return (
        with_recent_contact_counts(contacts, since=since)
        .select_related("child", "assigned_to")
        .order_by("decision_due_at", "id")
    )


def screening_queue_counts(user, *, now: dt.datetime) -> dict[str, int]:
    """How many contacts await a decision: all, overdue, due soon, unassigned, assigned to me."""
    soon = _soon("contact_decision")
    return (
        contacts_visible_to(user)
        .filter(status__in=OPEN_CONTACT_STATUSES)
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(decision_due_at__lt=now)),
            due_soon=Count("pk", filter=Q(decision_due_at__gte=now, decision_due_at__lte=now + soon)),
            unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
            mine=Count("pk", filter=Q(assigned_to=user.pk)),
        )
    )


def front_door_figures(user, *, now: dt.datetime) -> dict[str, int]:
    """The screening queue's figures for those shown figures, not contacts (CATE team leaders and
    group managers): every open contact, restricted children's included, as the dashboard counts
    them; a count names no one."""
    soon = _soon("contact_decision")
    return Contact.objects.filter(status__in=OPEN_CONTACT_STATUSES).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(decision_due_at__lt=now)),
        due_soon=Count("pk", filter=Q(decision_due_at__gte=now, decision_due_at__lte=now + soon)),
        unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
    )


def contact_list_for_user(user, *, text: str = "", status: str = "", recorded_by=None) -> QuerySet[Contact]:
    """Every contact the user can read, newest first, by reference or child's name, status, who logged it."""
    contacts = contacts_visible_to(user)
    if status:
        contacts = contacts.filter(status=status)
    if recorded_by is not None:
        contacts = contacts.filter(recorded_by=recorded_by)
    text = (text or "").strip()
    if text:
        reference = text.upper()
        by_name = search.filter_by_name(child_list_for_user(user), text).values("pk")
        words = text.split()[: search.matching.MAX_NAME_WORDS]
        reported = Q()
        for word in words:
            reported &= Q(reported_child_name__icontains=word)
        contacts = contacts.filter(Q(reference=reference) | Q(child__in=by_name) | (reported if words else Q(pk=None)))
    return contacts.select_related("child", "assigned_to").order_by("-received_at", "-id")


def previous_contacts(user, contact: Contact) -> QuerySet[Contact]:
    """The child's other contacts the user may read, newest first."""
    if not contact.child_id:
        return Contact.objects.none()
    return (
        contacts_visible_to(user)
        .filter(child_id=contact.child_id)
        .exclude(pk=contact.pk)
        .select_related("decided_by")
        .order_by("-received_at", "-id")
    )


def recent_contact_count(child: Child, *, now: dt.datetime, settings: ServiceSettings) -> int:
    since = window_start(now, settings.duration("repeat_contacts_window"))
    return (
        Contact.objects.filter(child=child, received_at__gte=since)
        .exclude(status=ContactStatus.ENTERED_IN_ERROR)
        .count()
    )


# --- MACE ----------------------------------------------------------------------------------


def mace_requests_visible_to(user) -> QuerySet[MaceRequest]:
    """Family Connect staff see every MACE about a child they can see; a partner only the requests
    sent to their agency; CATE team leaders and group managers those of the contacts they may read
    (`contacts_visible_to`: a list never shows what its reader cannot open)."""
    if not user.is_authenticated or not user.has_perm(VIEW_MACE):
        return MaceRequest.objects.none()
    requests = MaceRequest.objects.filter(contact__child__in=children_visible_to(user).values("pk"))
    if user.has_perm(VIEW_ALL_MACE_ENTRIES) or user.has_perm(VIEW_CONTACT):
        return requests
    if is_partner(user):
        return requests.filter(recipients__agency_id=user.agency_id) if user.agency_id else MaceRequest.objects.none()
    return requests.filter(contact__in=contacts_visible_to(user).values("pk"))


def mace_requests_for_contact(user, contact: Contact) -> list[MaceRequest]:
    """The contact's enquiries the user may see, oldest first, with the agencies asked."""
    return list(
        mace_requests_visible_to(user)
        .filter(contact=contact)
        .select_related("requested_by")
        .prefetch_related("recipients__agency")
        .order_by("requested_at", "id")
    )


def mace_open_count_for_user(user) -> int:
    """Open enquiries: for front-door staff all they can see; for a partner those their agency
    has not yet answered."""
    open_requests = mace_requests_visible_to(user).filter(status=MaceStatus.OPEN)
    if is_partner(user) and user.agency_id:
        open_requests = open_requests.filter(
            recipients__agency_id=user.agency_id, recipients__responded_at__isnull=True
        )
    return open_requests.count()


def mace_entries_visible_to(user) -> QuerySet[MaceEntry]:
    """The screener sees every agency's entries; a partner only their own agency's, in the
    requests sent to their agency; staff working on a contact referred on (`contacts_worked_on`)
    every agency's entries about that contact, as the information follows the referral
    (001:L1395-1396); other staff none."""
    if not user.is_authenticated:
        return MaceEntry.objects.none()
    requests = mace_requests_visible_to(user).values("pk")
    if user.has_perm(VIEW_ALL_MACE_ENTRIES):
        return MaceEntry.objects.filter(request__in=requests)
    visible = Q(request__contact__in=contacts_worked_on(user).values("pk"))
    if user.has_perm(VIEW_MACE_ENTRIES) and user.agency_id:
        visible |= Q(request__in=requests, agency_id=user.agency_id)
    return MaceEntry.objects.filter(visible)


def mace_request_list_for_user(user, *, text: str = "", state: str = "") -> QuerySet[MaceRequest]:
    """MACE requests the user can see, open ones due first; searchable by child's name or reference."""
    requests = mace_requests_visible_to(user)
    if state in ("open", "closed", "awaiting", "overdue"):
        requests = requests.filter(status=MaceStatus.CLOSED if state == "closed" else MaceStatus.OPEN)
    if state in ("awaiting", "overdue"):  # a partner's agency has not answered (the front door: some agency)
        theirs = Q(agency_id=user.agency_id) if is_partner(user) else Q()
        unanswered = Q(request=OuterRef("pk"), responded_at__isnull=True) & theirs
        requests = requests.filter(Exists(MaceRecipient.objects.filter(unanswered)))
    if state == "overdue":  # and the answer was due before now
        requests = requests.filter(due_at__lt=Now())
    text = (text or "").strip()
    if text:
        matching_children = search.filter_by_name(children_visible_to(user), text).values("pk")
        requests = requests.filter(Q(contact__reference=text.upper()) | Q(contact__child__in=matching_children))
    recipients = MaceRecipient.objects.select_related("agency").order_by("agency__name")
    if is_partner(user):  # a partner reads their own agency's part only
        recipients = recipients.filter(agency_id=user.agency_id)
    return (
        requests.select_related("contact__child", "requested_by")
        .prefetch_related(Prefetch("recipients", queryset=recipients))
        .order_by("status", "due_at", "id")
    )


def mace_request_get_for_user(user, pk: int) -> MaceRequest:
    return get_object_or_404(
        mace_requests_visible_to(user).select_related("contact__child", "requested_by"),
        pk=pk,
    )


def mace_recipients_for_user(user, request: MaceRequest) -> QuerySet[MaceRecipient]:
    """Which agencies were asked: a partner sees only their own agency's line."""
    recipients = request.recipients.select_related("agency").order_by("agency__name")
    if is_partner(user):
        return recipients.filter(agency_id=user.agency_id)
    return recipients


def mace_entries_for_request(user, request: MaceRequest) -> QuerySet[MaceEntry]:
    return (
        mace_entries_visible_to(user)
        .filter(request=request)
        .select_related("agency", "author")
        .order_by("created_at", "id")
    )


def mace_entries_for_contact(user, contact: Contact) -> QuerySet[MaceEntry]:
    """Every entry the user may see across the contact's enquiries, in one chronology."""
    return (
        mace_entries_visible_to(user)
        .filter(request__contact=contact)
        .select_related("agency", "author", "request")
        .order_by("created_at", "id")
    )


def mace_pack_for_contact(user, contact: Contact) -> list[MaceEntry] | None:
    """Every agency's answers to the contact's enquiries, in order, for those who read them all (the
    screener, and staff working on the contact after it was referred on); None for anyone else."""
    if not (user.has_perm(VIEW_ALL_MACE_ENTRIES) or contacts_worked_on(user).filter(pk=contact.pk).exists()):
        return None
    return list(mace_entries_for_contact(user, contact))


def mace_entries_for_child(user, child: Child) -> QuerySet[MaceEntry]:
    """The child's complete multi-agency story across every contact (the screener's view)."""
    return (
        mace_entries_visible_to(user)
        .filter(request__contact__child=child)
        .select_related("agency", "author", "request__contact")
        .order_by("created_at", "id")
    )


def mace_request_sent_to_agency(request: MaceRequest, agency_id: int | None) -> bool:
    """Whether the enquiry was sent to this agency."""
    return bool(agency_id) and request.recipients.filter(agency_id=agency_id).exists()


def partner_ids_of_agencies(agency_ids: Iterable[int]) -> list[int]:
    """The active partner practitioners of these agencies (told of an enquiry sent to them)."""
    return list(
        get_user_model()
        .objects.filter(
            agency_id__in=list(agency_ids), groups__name=Role.PARTNER.label, is_active=True, is_system=False
        )
        .values_list("pk", flat=True)
    )


def users_by_ids(ids: Iterable[int]) -> QuerySet:
    return get_user_model().objects.filter(pk__in=list(ids))


# --- Early-help follow-ups -----------------------------------------------------------------


def follow_ups_visible_to(user) -> QuerySet[EarlyHelpFollowUp]:
    if not user.is_authenticated or not user.has_perm(VIEW_FOLLOW_UP):
        return EarlyHelpFollowUp.objects.none()
    return EarlyHelpFollowUp.objects.filter(contact__in=contacts_visible_to(user).values("pk"))


def follow_up_list_for_user(user, *, now: dt.datetime, state: str = "open") -> QuerySet[EarlyHelpFollowUp]:
    """Follow-ups of early-help referrals: open (the overdue first), overdue only, or done."""
    follow_ups = follow_ups_visible_to(user)
    if state == "open":
        follow_ups = follow_ups.filter(completed_at__isnull=True)
    elif state == "overdue":
        follow_ups = follow_ups.filter(completed_at__isnull=True, due_at__lt=now)
    elif state == "done":
        follow_ups = follow_ups.filter(completed_at__isnull=False)
    order = ["-completed_at", "-id"] if state == "done" else ["due_at", "id"]
    return follow_ups.select_related(
        "contact__child", "contact__early_help_agency", "contact__decided_by", "completed_by"
    ).order_by(*order)


def follow_up_get_for_user(user, pk: int) -> EarlyHelpFollowUp:
    return get_object_or_404(
        follow_ups_visible_to(user).select_related("contact__child", "contact__early_help_agency"), pk=pk
    )


def overdue_follow_up_count(user, *, now: dt.datetime) -> int:
    return follow_ups_visible_to(user).filter(completed_at__isnull=True, due_at__lt=now).count()


# --- The anonymous online form -------------------------------------------------------------


def address_key(address: str | None) -> str:
    """A keyed hash of the sender's address: enough to count, never enough to identify."""
    secret = django_settings.SECRET_KEY.encode()
    return hmac.new(secret, f"anonymous-form:{address or 'unknown'}".encode(), hashlib.sha256).hexdigest()


def anonymous_form_attempts_since(address_hash: str, since: dt.datetime) -> QuerySet[AnonymousFormAttempt]:
    return AnonymousFormAttempt.objects.filter(address_hash=address_hash, at__gte=since)


def anonymous_form_attempt_times(address_hash: str, *, since: dt.datetime, limit: int) -> list[dt.datetime]:
    """When the address sent since `since`, the latest first, at most `limit` of them."""
    return list(anonymous_form_attempts_since(address_hash, since).order_by("-at").values_list("at", flat=True)[:limit])

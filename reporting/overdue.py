"""Every kind of overdue item, counted for the dashboard and listed on its drill-down page.

Counts read the stored due fields of every app's records, restricted children included
(aggregates identify no one). Lists show only the records the user may open: of children they may
see (contacts.selectors.children_visible_to, cate.selectors.cases_visible_to), and front-door
contacts only as contacts.selectors.contacts_visible_to allows (need to know). Due items that no
field stores are computed by the providers registered with core.due (due_items_for_cases).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch

from cate.choices import OpenTo, ReferralStatus, RhiStatus
from cate.models import Case, GpLetter, MissingEpisode, NrmReferral, Referral, TransitionMeeting
from cate.selectors import cases_visible_to, visible_cases_q
from contacts.choices import ContactStatus
from contacts.models import Contact, EarlyHelpFollowUp
from contacts.permissions import VIEW_CONTACT
from contacts.selectors import contacts_visible_to, hidden_children
from core import clock
from core.due import DueItem, due_items_for_cases
from core.selectors import ServiceSettings
from core.timescales import REGISTRY
from riskpanel.choices import ActionStatus, SafetyPlanStatus
from riskpanel.models import Action, SafetyPlan, StrategyMeeting

from .caseloads import (
    awaiting_allocation_q,
    held_by_staff_not_in_post_q,
    open_at_end_of,
    statutory_only_unallocated_q,
)

OPEN_CONTACT = (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)


def record_url(obj) -> str:
    """The record's page, or nothing while the page does not exist yet."""
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return ""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def twelve_months_from(today: date) -> date:
    """The first day of the month eleven months before this one: twelve months with this one."""
    return clock.add_months_to_date(today.replace(day=1), -11)


@dataclass(frozen=True)
class Row:
    """One line of a drill-down list."""

    child: object | None
    what: str
    due: datetime | date
    url: str
    held_by: object | None = None
    reference: str = ""
    met_at: datetime | None = None
    state: clock.DueState | None = None

    @property
    def due_text(self) -> str:
        if isinstance(self.due, datetime):
            return f"{clock.local(self.due):%-d %b %Y %H:%M}"
        return f"{self.due:%-d %b %Y}"


def _visible_children(path: str, user, *, nullable: bool = False) -> Q:
    # Excluding the few hidden children keeps rows with no child: only a nullable path may have none.
    q = ~Q(**{f"{path}__in": hidden_children(user).values("pk")})
    return q if nullable else q & Q(**{f"{path}__isnull": False})


def _readable_contacts(path: str, user) -> Q:
    """A filter on `path` (the contact, or "pk" on contacts) keeping the contacts the user may open:
    Family Connect staff every contact of a child they may see; CATE team leaders and group managers
    only those of the children they reach through CATE (contacts.visibility.contacts_visible_to)."""
    if user.has_perm(VIEW_CONTACT):
        return _visible_children("child" if path == "pk" else f"{path}__child", user, nullable=True)
    return Q(**{f"{path}__in": contacts_visible_to(user).values("pk")})


def _visible_cases(path: str, user, *, nullable: bool = False) -> Q:
    q = visible_cases_q(path, user) if path != "pk" else Q(pk__in=cases_visible_to(user))
    return q | Q(**{f"{path}__isnull": True}) if nullable else q


@dataclass(frozen=True)
class ListKind:
    """A list the dashboard counts and links to."""

    code: str
    label: str  # the list's heading
    timescale: str  # the setting whose clock it is ("" when none)
    records: Callable[[datetime, date], QuerySet]
    visible: Callable[[object], Q]
    row: Callable[[object], Row]
    related: tuple[str, ...] = ()
    overdue: bool = True  # counted among the overdue items
    order: tuple[str, ...] = ()
    due_heading: str = "Due"  # what the date of each row is

    def count(self, *, now: datetime, today: date) -> int:
        return self.records(now, today).count()

    def hidden_count(self, user, *, now: datetime, today: date) -> int:
        """How many of the records counted on the dashboard the user may not open (restricted
        children they are not named on): counted there, not listed."""
        return self.records(now, today).exclude(self.visible(user)).count()

    def rows_for(self, user, *, now: datetime, today: date) -> QuerySet:
        rows = self.records(now, today).filter(self.visible(user)).select_related(*self.related)
        return rows.order_by(*self.order) if self.order else rows


def _case_row(what: str, due_attr: str):
    def make(obj) -> Row:
        case = obj.case
        return Row(case.child, what, getattr(obj, due_attr), record_url(case), case.allocated_worker, case.reference)

    return make


KINDS: tuple[ListKind, ...] = (
    ListKind(
        "contact_decision",
        "Decisions on contacts",
        "contact_decision",
        lambda now, today: Contact.objects.filter(status__in=OPEN_CONTACT, decision_due_at__lt=now),
        lambda user: _readable_contacts("pk", user),
        lambda c: Row(
            c.child, f"Decision on contact {c.reference}", c.decision_due_at, record_url(c), c.assigned_to, c.reference
        ),
        ("child", "assigned_to"),
        order=("decision_due_at", "id"),
    ),
    ListKind(
        "early_help_follow_up",
        "Follow-ups of early-help referrals",
        "early_help_follow_up",
        lambda now, today: EarlyHelpFollowUp.objects.filter(completed_at__isnull=True, due_at__lt=now).exclude(
            contact__status=ContactStatus.ENTERED_IN_ERROR
        ),
        lambda user: _readable_contacts("contact", user),
        lambda f: Row(
            f.contact.child,
            f"Follow-up of early help from contact {f.contact.reference}",
            f.due_at,
            record_url(f.contact),
            None,
            f.contact.reference,
        ),
        ("contact__child",),
        order=("due_at", "id"),
    ),
    ListKind(
        "detailed_assessment",
        "Detailed assessments of CATE referrals",
        "detailed_assessment",
        lambda now, today: Referral.objects.exclude(status=ReferralStatus.COMPLETED).filter(assessment_due_at__lt=now),
        lambda user: _visible_children("child", user),
        lambda r: Row(r.child, "Detailed assessment of the referral", r.assessment_due_at, record_url(r)),
        ("child",),
        order=("assessment_due_at", "id"),
    ),
    ListKind(
        "allocation",
        "Allocations of opened cases",
        "allocation",
        lambda now, today: Case.objects.filter(
            closed_at__isnull=True, allocated_worker__isnull=True, allocation_due_at__lt=now
        ).exclude(open_to=OpenTo.STATUTORY),
        lambda user: _visible_cases("pk", user),
        lambda c: Row(c.child, "Allocation to a worker", c.allocation_due_at, record_url(c), None, c.reference),
        ("child",),
        order=("allocation_due_at", "id"),
    ),
    ListKind(
        "rhi",
        "Return home interviews",
        "return_home_interview",
        lambda now, today: MissingEpisode.objects.filter(
            rhi_eligible=True, returned_at__isnull=False, rhi_due_at__lt=now
        ).exclude(interview__status__in=(RhiStatus.COMPLETED, RhiStatus.DECLINED)),
        lambda user: _visible_children("child", user),
        lambda e: Row(
            e.child,
            f"Return home interview (returned {clock.local(e.returned_at):%-d %b %Y %H:%M})",
            e.rhi_due_at,
            record_url(e.case),
            e.case.allocated_worker if e.case else None,
            e.case.reference if e.case else "",
        ),
        ("child", "case__allocated_worker"),
        order=("rhi_due_at", "id"),
    ),
    ListKind(
        "nrm_referral",
        "NRM referrals",
        "nrm_referral",
        lambda now, today: NrmReferral.objects.filter(referred_on__isnull=True, due_at__lt=now, case__closed_at=None),
        lambda user: _visible_cases("case", user),
        _case_row("NRM referral", "due_at"),
        ("case__child", "case__allocated_worker"),
        order=("due_at", "id"),
    ),
    ListKind(
        "gp_letter",
        "GP letters",
        "gp_letter",
        lambda now, today: GpLetter.objects.filter(sent_on__isnull=True, due_at__lt=now, case__closed_at=None),
        lambda user: _visible_cases("case", user),
        _case_row("GP letter to be sent", "due_at"),
        ("case__child", "case__allocated_worker"),
        order=("due_at", "id"),
    ),
    ListKind(
        "post17_transition",
        "Post-17 transition meetings",
        "post17_transition",
        lambda now, today: Case.objects.filter(closed_at__isnull=True, transition_due_on__lt=today).exclude(
            Exists(TransitionMeeting.objects.filter(case=OuterRef("pk")))
        ),
        lambda user: _visible_cases("pk", user),
        lambda c: Row(
            c.child, "Post-17 transition meeting", c.transition_due_on, record_url(c), c.allocated_worker, c.reference
        ),
        ("child", "allocated_worker"),
        order=("transition_due_on", "id"),
    ),
    ListKind(
        "strategy_meeting",
        "Strategy meetings",
        "strategy_meeting",
        lambda now, today: StrategyMeeting.objects.filter(held_at__isnull=True, due_at__lt=now, case__closed_at=None),
        lambda user: _visible_cases("case", user),
        _case_row("Strategy meeting", "due_at"),
        ("case__child", "case__allocated_worker"),
        order=("due_at", "id"),
    ),
    ListKind(
        "safety_plan_review",
        "Safety plan reviews",
        "safety_plan_review",
        lambda now, today: SafetyPlan.objects.filter(
            status=SafetyPlanStatus.AGREED, review_due_on__lt=today, case__closed_at=None
        ),
        lambda user: _visible_cases("case", user),
        _case_row("Safety plan review", "review_due_on"),
        ("case__child", "case__allocated_worker"),
        order=("review_due_on", "id"),
    ),
    ListKind(
        "action",
        "Multi-agency actions",
        "",
        lambda now, today: Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today),
        lambda user: _visible_cases("case", user, nullable=True),
        lambda a: Row(
            a.case.child if a.case else None,
            f"{a.description[:80]} ({a.owner_agency})",
            a.due_on,
            record_url(a.case),
            a.case.allocated_worker if a.case else None,
            a.case.reference if a.case else "",
        ),
        ("case__child", "case__allocated_worker", "owner_agency"),
        order=("due_on", "id"),
    ),
    # Lists the dashboard links to that are not overdue items.
    ListKind(
        "awaiting_allocation",
        "Open cases awaiting allocation",
        "allocation",
        lambda now, today: Case.objects.filter(open_at_end_of(today), awaiting_allocation_q(today)),
        lambda user: _visible_cases("pk", user),
        lambda c: Row(
            c.child, "Allocation to a worker", c.allocation_due_at or c.live_since, record_url(c), None, c.reference
        ),
        ("child",),
        overdue=False,
        order=("allocation_due_at", "id"),
    ),
    ListKind(
        "held_by_staff_not_in_post",
        "Open cases allocated to staff not in post",
        "",
        lambda now, today: Case.objects.filter(open_at_end_of(today), held_by_staff_not_in_post_q(today)),
        lambda user: _visible_cases("pk", user),
        lambda c: Row(
            c.child, "Reallocation to staff in post", c.live_since, record_url(c), c.allocated_worker, c.reference
        ),
        ("child", "allocated_worker"),
        overdue=False,
        order=("opened_at", "id"),
        due_heading="Open since",
    ),
    ListKind(
        "statutory_only",
        "Open cases open to statutory safeguarding only, allocated to no one",
        "",
        lambda now, today: Case.objects.filter(open_at_end_of(today), statutory_only_unallocated_q(today)),
        lambda user: _visible_cases("pk", user),
        lambda c: Row(c.child, "Open to statutory safeguarding only", c.live_since, record_url(c), None, c.reference),
        ("child",),
        overdue=False,
        order=("opened_at", "id"),
        due_heading="Open since",
    ),
    ListKind(
        "front_door_queue",
        "Contacts waiting for a decision",
        "contact_decision",
        lambda now, today: Contact.objects.filter(status__in=OPEN_CONTACT),
        lambda user: _readable_contacts("pk", user),
        lambda c: Row(
            c.child, f"Decision on contact {c.reference}", c.decision_due_at, record_url(c), c.assigned_to, c.reference
        ),
        ("child", "assigned_to"),
        overdue=False,
        order=("decision_due_at", "id"),
    ),
    ListKind(
        "late_decisions",
        "Decisions out of time in the last 12 months",
        "contact_decision",
        lambda now, today: Contact.objects.filter(
            status=ContactStatus.DECIDED,
            decided_at__gte=clock.start_of_local_day(twelve_months_from(today)),
            decided_at__gt=F("decision_due_at"),
        ),
        lambda user: _readable_contacts("pk", user),
        lambda c: Row(
            c.child,
            f"Decision on contact {c.reference}",
            c.decision_due_at,
            record_url(c),
            c.decided_by,
            c.reference,
            c.decided_at,
        ),
        ("child", "decided_by"),
        overdue=False,
        order=("-decided_at", "-id"),
    ),
)


KIND_BY_CODE = {kind.code: kind for kind in KINDS}
OVERDUE_KINDS = tuple(kind for kind in KINDS if kind.overdue)

# Codes a due-item provider might use for items this module already reads from stored fields:
# provider items with these codes are not counted twice.
STORED_CODES = frozenset(KIND_BY_CODE) | {
    "return_home_interview",
    "nrm",
    "transition",
    "post17",
    "assessment",
    "decision",
    "follow_up",
    "safety_plan",
    "strategy",
}
COMPUTED_LABELS = {
    "visit": "Visits to the child",
    "first_panel": "First risk panels",
    "panel_review": "Risk panel reviews",
    "risk_assessment": "Risk assessments",
}


@dataclass(frozen=True)
class OverdueCount:
    code: str
    label: str
    count: int
    timescale: str = ""


def computed_overdue(*, now: datetime, settings: ServiceSettings, case_ids=None) -> dict[str, list[DueItem]]:
    """Overdue items that the due-item providers compute, by kind (those no field stores)."""
    if case_ids is None:
        case_ids = Case.objects.filter(closed_at__isnull=True).values_list("pk", flat=True)
    by_kind: dict[str, list[DueItem]] = defaultdict(list)
    for items in due_items_for_cases(case_ids, now=now, settings=settings).values():
        for item in items:
            if item.state == clock.DueState.OVERDUE and item.kind not in STORED_CODES:
                by_kind[item.kind].append(item)
    return by_kind


def computed_label(code: str, items: list[DueItem]) -> str:
    return COMPUTED_LABELS.get(code) or code.replace("_", " ").capitalize()


def overdue_counts(*, now: datetime, settings: ServiceSettings) -> list[OverdueCount]:
    """Every kind of overdue item with its count (all records, restricted children included)."""
    today = clock.local_date(now)
    counts = [OverdueCount(k.code, k.label, k.count(now=now, today=today), k.timescale) for k in OVERDUE_KINDS]
    for code, items in sorted(computed_overdue(now=now, settings=settings).items()):
        counts.append(OverdueCount(code, computed_label(code, items), len(items)))
    return counts


def timescale_text(code: str, settings: ServiceSettings) -> str:
    if not code:
        return ""
    spec = REGISTRY[code]
    return f"{settings.duration(code)} from {spec.starts}"

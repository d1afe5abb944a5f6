"""Who may know of which child and read which contact at the front door (DESIGN §4).

Every list, search, count that identifies children, drill-down and export of any app starts from
`children_visible_to` / `hidden_children` (restricted records show only to the staff named on them)
and, for contacts, from `contacts_visible_to`; `contacts.selectors` reads through them. Restricting
a record is decided here too (`children_restrictable_by`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core import contract
from core import selectors as core_selectors

from .choices import RecordStatus
from .models import Child, Contact
from .permissions import RESTRICT_CHILD, RESTRICTION_ROLES, VIEW_CHILD, VIEW_CONTACT

# --- Children ------------------------------------------------------------------------------


def children_visible_to(user) -> QuerySet[Child]:
    """Children this user may know exist: a restricted child only for the staff named on it.

    Every list, search, count that identifies children, drill-down and export of any app starts
    from here (or filters its own rows by `child__in` this queryset).
    """
    if not user.is_authenticated:
        return Child.objects.none()
    # A subquery on the named staff, not a join: no duplicate rows to remove, so no DISTINCT over the
    # whole index, and the planner can use the indexes of whatever filters come on top.
    named = Child.restricted_to.through.objects.filter(user_id=user.pk).values("child_id")
    return Child.objects.filter(Q(is_restricted=False) | Q(pk__in=named))


def hidden_children(user) -> QuerySet[Child]:
    """The children this user may not know exist: restricted children not naming them (a handful).

    Lists filter with `exclude(child__in=hidden_children(user))` rather than `filter(child__in=
    children_visible_to(user))`: the same rows, but PostgreSQL checks each row against this small set
    instead of against every visible child of the index (a hashed subplan over the whole table)."""
    if not user.is_authenticated:
        return Child.objects.all()
    named = Child.restricted_to.through.objects.filter(user_id=user.pk).values("child_id")
    return Child.objects.filter(is_restricted=True).exclude(pk__in=named)


def children_hidden_from(user, numbers) -> set[int]:
    """Of these child ids, the restricted ones `user` is not named on (core.audit's provider)."""
    hidden = Child.objects.filter(pk__in=numbers, is_restricted=True).exclude(restricted_to=user)
    return set(hidden.values_list("pk", flat=True))


def worked_on(providers, user, *, field: str = "pk") -> Q | None:
    """What the apps above say the user works on (the providers of core.contract's
    `worked_contacts_providers` or `worked_children_providers`), as one filter on the primary key, or
    None when nothing. Each provider gives a subquery: a page reading through it makes the same
    queries whatever the rows."""
    if not user.is_authenticated:
        return None
    found = [ids for provider in providers if (ids := provider(user)) is not None]
    if not found:
        return None
    condition = Q(**{f"{field}__in": found[0]})
    for ids in found[1:]:
        condition |= Q(**{f"{field}__in": ids})
    return condition


def child_list_for_user(user) -> QuerySet[Child]:
    """The child index as this user may read it: front-door staff all of it; staff of the apps above
    only the children they work on there (CATE: a referral's author, allocated worker, team leaders)."""
    if not user.is_authenticated:
        return Child.objects.none()
    if user.has_perm(VIEW_CHILD):
        return children_visible_to(user)
    worked = worked_on(contract.contributions("worked_children_providers"), user)
    return Child.objects.none() if worked is None else children_visible_to(user).filter(worked)


def children_restrictable_by(user) -> QuerySet[Child]:
    """Children whose restriction this user may change: those they may know exist (a restricted
    child only when they are named on it), for CATE team leaders, Family Connect managers and group
    managers (restricting is a casework decision: no one else, never the administrator)."""
    if not user.is_authenticated or not user.has_perm(RESTRICT_CHILD):
        return Child.objects.none()
    return Child.objects.filter(pk__in=children_visible_to(user).values("pk"), status=RecordStatus.ACTIVE)


def child_get_for_restriction(user, pk: int) -> Child:
    return get_object_or_404(children_restrictable_by(user).prefetch_related("restricted_to"), pk=pk)


def child_restrictable_or_none(user, pk: int) -> Child | None:
    """The child of this number whose restriction the user may change, or None."""
    return children_restrictable_by(user).filter(pk=pk).first()


def restricted_child_list_for_user(user) -> QuerySet[Child]:
    """The restricted records the user may change (those naming them)."""
    return children_restrictable_by(user).filter(is_restricted=True)


def restriction_staff_choices(*, always_named=()):
    """Staff who may be named on a restricted record: people who can sign in and whose role works
    with children's records (the front door and CATE casework), by name; those `always_named` on it
    are not offered (the page lists them)."""
    return core_selectors.staff_who_can_hold(roles=RESTRICTION_ROLES).exclude(pk__in=list(always_named))


def child_named_staff_ids(child: Child) -> set[int]:
    """The staff a restricted child's record names."""
    return set(child.restricted_to.values_list("pk", flat=True))


# --- Contacts ------------------------------------------------------------------------------


def contacts_visible_to(user) -> QuerySet[Contact]:
    """The front-door contacts this user may read (need to know), a contact about a restricted child
    only for the staff named on the child:

    - Family Connect roles (advisors, screeners, their managers: `view_contact`): every contact;
    - CATE team leaders: every contact of a child referred to CATE;
    - CATE workers: the contact each referral they work on came from (`contacts_worked_on`);
    - group managers: the contacts of a child with a CATE case, reached from the case (the front
      door's figures they see as counts, `contacts.selectors.front_door_figures`);
    - everyone else: none.

    Which children and referrals those are is the apps above's to say (`contact_readers_providers`,
    `worked_contacts_providers`); every list, search, count and page of contacts reads from here."""
    if not user.is_authenticated:
        return Contact.objects.none()
    if user.has_perm(VIEW_CONTACT):
        return Contact.objects.exclude(child__in=hidden_children(user).values("pk"))  # contacts with no child stay
    contacts = worked_on(contract.contributions("worked_contacts_providers"), user)
    children = worked_on(contract.contributions("contact_readers_providers"), user, field="child")
    found = [q for q in (contacts, children) if q is not None]
    if not found:
        return Contact.objects.none()
    condition = found[0] | found[1] if len(found) == 2 else found[0]
    return Contact.objects.filter(condition).exclude(child__in=hidden_children(user).values("pk"))


def contacts_worked_on(user) -> QuerySet[Contact]:
    """The contacts the apps above say the user works on (CATE: the contact a referral came from, for
    the assessment's author, the allocated worker and the team leaders). They read every agency's
    answers to its enquiries (the MACE information follows the referral, 001:L1395-1396), as well as
    the contact itself (`contacts_visible_to`); writes stay with the front door."""
    worked = worked_on(contract.contributions("worked_contacts_providers"), user)
    if worked is None:
        return Contact.objects.none()
    return Contact.objects.filter(worked).exclude(child__in=hidden_children(user).values("pk"))


def contact_readable(user, contact_id: int | None) -> bool:
    """Whether the user may open this contact's page."""
    return contact_id is not None and contacts_visible_to(user).filter(pk=contact_id).exists()


def child_readable(user, child_id: int | None) -> bool:
    """Whether the user may open this child's record."""
    return child_id is not None and child_list_for_user(user).filter(pk=child_id).exists()

"""The child index: adding and correcting children, their CATE markers and who may see them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit, contract
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.permissions import require
from core.services import notification_send

from .. import hooks, rules, selectors
from ..choices import DuplicateFoundWhen, RecordStatus
from ..models import Child, GpPractice
from ..permissions import ADD_CHILD, CHANGE_CHILD, RESTRICT_CHILD, require_see_child, require_set_cate_markers
from ..rules import CHILD_FIELDS
from .duplicates import IDENTIFYING_FIELDS, possible_duplicates_find
from .name_keys import NAME_FIELDS, child_name_keys_refresh
from .same_names import same_name_sets_record_for_child

__all__ = [
    "CHILD_FIELDS",
    "PossibleDuplicates",
    "child_create",
    "child_restrict",
    "child_set_cate_markers",
    "child_update",
]


def _with_registered_practice(given: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The practice of the register that `gp_practice_code` names (none when it is empty); a code
    not in the register is refused: the practice's name goes in `gp_practice` instead."""
    if "gp_practice_code" not in given:
        return data
    code = rules.normalise_ods_code(given["gp_practice_code"])
    practice = GpPractice.objects.filter(code=code).first() if code else None
    if code and practice is None:
        raise ValidationError(
            {
                "gp_practice_code": "No GP practice has this code in the register. Check the code, or leave it "
                "empty and enter the practice's name"
            }
        )
    return data | {"registered_practice": practice}


class PossibleDuplicates(ValidationError):
    """Creating the child would probably duplicate children already in the index."""

    def __init__(self, matches: list[selectors.DuplicateMatch]):
        self.matches = matches
        super().__init__(
            "This child may already be in the index. Check the records below before adding a new one.",
            code="possible_duplicates",
        )


def child_create(
    *, actor, data: dict[str, Any], confirmed_not_duplicate: bool = False, reason: str = "Child added to the index"
) -> Child:
    """Add a child to the index. Likely duplicates are refused (PossibleDuplicates) until the user
    has seen them and confirmed that none of them is this child; the same NHS number never passes.
    Records hidden from the user are never shown nor refused: once the child is added, those that
    match become possible duplicates for their named staff (and those the user confirmed past, for
    the Family Connect managers), with nothing to tell the user."""
    require(actor, ADD_CHILD, "You cannot add children to the index.")
    data = _with_registered_practice(data, rules.tidy_child_data(data))
    if not (data.get("first_name") or data.get("last_name") or data.get("known_as")):
        raise ValidationError({"first_name": "Enter the child's name, or a name they are known by"})
    with transaction.atomic():
        if selectors.child_nhs_number_taken(data.get("nhs_number", ""), user=actor):
            raise ValidationError({"nhs_number": "A child with this NHS number is already in the index"})
        matches = selectors.likely_duplicates(
            actor,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            known_as=data.get("known_as", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
        )
        if matches and not confirmed_not_duplicate:
            raise PossibleDuplicates(matches)
        child = Child(created_by=actor, **data)
        audit.save(child, actor=actor, reason=reason)
        child_name_keys_refresh([child])
        shown = {match.child.pk: match.reasons for match in matches}
        find = partial(
            possible_duplicates_find, child_id=child.pk, actor=actor, found_when=DuplicateFoundWhen.ADDED, shown=shown
        )
        transaction.on_commit(find, robust=True)  # robust: whatever happens, the user's page is the same
        same_names = partial(same_name_sets_record_for_child, child_id=child.pk, actor=actor)
        transaction.on_commit(same_names, robust=True)
    return child


def child_update(*, child: Child, actor, data: dict[str, Any], reason: str, expected_version: int | None) -> Child:
    """Change a child's details (not the CATE markers, which cate/ sets, nor merge state)."""
    require(actor, CHANGE_CHILD, "You cannot change children's records.")
    require_see_child(actor, child)
    data = _with_registered_practice(data, rules.tidy_child_data(data))
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        check_version(child, expected_version)
        if child.status != RecordStatus.ACTIVE:
            raise TransitionNotAllowed("This record has been merged or marked entered in error: it cannot change.")
        changed = [key for key, value in data.items() if getattr(child, key) != value]
        if not changed:
            return child
        if "nhs_number" in changed and selectors.child_nhs_number_taken(
            data["nhs_number"], user=actor, exclude_pk=child.pk
        ):
            raise ValidationError({"nhs_number": "A child with this NHS number is already in the index"})
        for key in changed:
            setattr(child, key, data[key])
        audit.save_change(child, actor=actor, reason=reason, fields=changed)
        if NAME_FIELDS & set(changed):
            child_name_keys_refresh([child])
            same_names = partial(same_name_sets_record_for_child, child_id=child.pk, actor=actor)
            transaction.on_commit(same_names, robust=True)
        if IDENTIFYING_FIELDS & set(changed):  # matches hidden from the user: see child_create
            find = partial(
                possible_duplicates_find, child_id=child.pk, actor=actor, found_when=DuplicateFoundWhen.CHANGED
            )
            transaction.on_commit(find, robust=True)
    return child


def child_set_cate_markers(*, child: Child, open_to_cate: bool, previously_known: bool, actor, reason: str) -> Child:
    """Set the CATE markers shown on a child's record (called by cate/ when cases open, close, reopen,
    and by the records importer). Only those who open CATE cases, and the system account, may."""
    require_set_cate_markers(actor)
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if (child.open_to_cate, child.previously_known_to_cate) == (open_to_cate, previously_known):
            return child
        child.open_to_cate, child.previously_known_to_cate = open_to_cate, previously_known
        audit.save_change(child, actor=actor, reason=reason, fields=["open_to_cate", "previously_known_to_cate"])
    return child


def child_restrict(
    *, child: Child, actor, is_restricted: bool, staff: Iterable, reason: str, expected_version: int | None = None
) -> Child:
    """Restrict a child's record to the staff named on it (or lift the restriction), with a reason.

    Restricting is a casework decision: only a CATE team leader, a Family Connect manager or a group
    manager who can see the child makes it. A restricted record always names the acting user (so that
    somebody can always change it), the child's allocated worker and the team leaders of that worker's
    team (`hooks.always_named`): it never hides a child from those working with it. Every other member
    of staff, managers included, then answers 404 on the child and everything about it. Everyone named
    before or after the change is told. The apps holding the child's records are told inside the
    transaction, through the app contract (`child_restriction_handlers`: cate/ writes it to each
    case's chronology).
    """
    require(actor, RESTRICT_CHILD, "You cannot restrict children's records.")
    require_see_child(actor, child)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the change"})
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        check_version(child, expected_version)
        always = {holder.user_id for holder in hooks.always_named(child.pk)}
        named = ({user.pk for user in staff} | always | {actor.pk}) if is_restricted else set()
        before = (child.is_restricted, selectors.child_named_staff_ids(child))
        if before == (is_restricted, named):
            return child
        if child.is_restricted and not is_restricted and selectors.child_open_nhs_number_taken(child):
            raise ValidationError(
                "Another record has this child's NHS number. Merge the two records, or correct the NHS "
                "number, before lifting the restriction."
            )
        audit.attribute(child, actor=actor, reason=reason)
        child.restricted_to.set(named)
        child.is_restricted = is_restricted
        audit.save_change(child, actor=actor, reason=reason, fields=["is_restricted"])
        contract.call("child_restriction_handlers", child=child, actor=actor, reason=reason)
        _alert_restriction_change(child, was=before, actor=actor)
    return child


def _alert_restriction_change(child: Child, *, was: tuple[bool, set[int]], actor) -> None:
    """Tell everyone named on the record before or after the change (the acting user knows), by the
    record's number only and without the reason: the e-mail leaves the service (the reason is in the
    record's history)."""
    was_restricted, was_named = was
    now_named = selectors.child_named_staff_ids(child)
    who = actor.get_full_name() or actor.username
    if not child.is_restricted:
        title, url = f"Restriction lifted: child {child.pk}", child.get_absolute_url()
        body = f"{who} lifted the restriction of child record {child.pk}."
    else:
        what = "changed who may see" if was_restricted else "restricted"
        title = f"Restricted record {'changed' if was_restricted else 'made'}: child {child.pk}"
        url = child.get_absolute_url()
        body = f"{who} {what} child record {child.pk}. You are named on it: only the staff it names may see it."
    for user in selectors.users_by_ids((was_named | now_named) - {actor.pk}).order_by("pk"):
        if child.is_restricted and user.pk not in now_named:
            notification_send(
                recipient=user,
                title=f"No longer named: child {child.pk}",
                body=f"{who} restricted child record {child.pk} to other staff.",
            )
        else:
            notification_send(recipient=user, title=title, body=body, url=url)

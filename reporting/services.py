"""Writes of reporting: the import of records from a council's previous system, and the record of
every report download.

Reporting owns no case data: the import writes other apps' tables through their services where
they exist (cate.services.chronology_record, case_grant_worker_access / case_revoke_worker_access,
contacts.services.child_set_cate_markers) and otherwise through core.audit (save with history,
attributed to the acting user, which for the import is the system user, with a reason).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cate import services as cate_services
from cate.choices import CaseStatus, ChronologyKind, OpenTo, RhiStatus
from cate.models import Allocation, Case, MissingEpisode, NrmReferral, ReturnHomeInterview, StatutoryEpisode
from contacts import services as contact_services
from contacts.choices import Channel, ContactStatus, Outcome, Source
from contacts.models import Child, Contact, EarlyHelpFollowUp
from core import audit, clock
from core.concurrency import bump
from core.roles import Role
from core.selectors import ServiceSettings, service_settings

from . import import_format
from .import_format import Problem, Record
from .models import ReportExport
from .permissions import IMPORT_RECORDS, VIEW_ANNUAL_REPORT

REASON_CREATED = "Imported from the previous system"
REASON_UPDATED = "Updated from the previous system"

# Staff roles of the previous system → the service's roles. A social worker in the CATE team holds
# CATE cases (000:L333-336), so works here as a CATE worker; the job title keeps the difference.
STAFF_ROLE_MAP: dict[str, tuple[Role, str]] = {
    "cate_worker": (Role.CATE_WORKER, "CATE worker"),
    "social_worker": (Role.CATE_WORKER, "Social worker"),
    "team_leader": (Role.TEAM_LEADER, "CATE team leader"),
    "group_manager": (Role.GROUP_MANAGER, "Group manager"),
    "screener": (Role.SCREENER, "Family Connect screener"),
}
IMPORTED_ROLES = frozenset(role for role, _ in STAFF_ROLE_MAP.values())
CONTACT_REFERENCE_PREFIX = "FC-IMP-"
CASE_REFERENCE_PREFIX = "CATE-IMP-"


class ImportRejected(Exception):
    """The document has problems: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the import")


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def lines(self) -> list[str]:
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.unchanged[name]} unchanged"
            for name in import_format.LISTS
            if self.created[name] or self.updated[name] or self.unchanged[name]
        ]


def records_import(*, document: Any, actor, dry_run: bool = False, now: datetime | None = None) -> ImportSummary:
    """Import one document of records from the previous system, all or nothing.

    Every problem is reported at once (ImportRejected, with the list, index, key and what is
    wrong of each bad record) and then nothing is written. A record whose key was imported before
    is updated, not added again; a record that has not changed is not saved again.
    With dry_run everything is checked and written, then rolled back."""
    if not (getattr(actor, "is_system", False) or actor.has_perm(IMPORT_RECORDS)):
        raise PermissionDenied("Only the system account or an importer can import records.")
    now = now or timezone.now()
    parsed = import_format.parse(document, today=clock.local_date(now))
    importer = _Importer(parsed, actor=actor, now=now)
    with transaction.atomic():
        importer.resolve()
        importer.raise_problems()
        importer.write()
        if dry_run:
            transaction.set_rollback(True)
    importer.summary.dry_run = dry_run
    return importer.summary


def _sod(day: date | None) -> datetime | None:
    """A date of the previous system as the moment that day starts in Europe/London (in UTC)."""
    return None if day is None else clock.start_of_local_day(day).astimezone(clock.UTC)


def _local_date(moment: datetime | None) -> date | None:
    return None if moment is None else clock.local_date(moment)


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0][:150], ""
    return " ".join(parts[:-1])[:150], parts[-1][:150]


def _assign(obj, values: dict[str, Any]) -> list[str]:
    """Set the values on obj; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a required relation not set yet
            current = None
        if current != value or (current is None and value is not None):
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}" if name != "__all__" else " ".join(map(str, messages))
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class _Importer:
    def __init__(self, parsed: import_format.Document, *, actor, now: datetime):
        self.doc = parsed
        self.records = parsed.records
        self.problems: list[Problem] = list(parsed.problems)
        self.actor = actor
        self.now = now
        self.today = clock.local_date(now)
        self.settings: ServiceSettings = service_settings()
        self.summary = ImportSummary()
        self.User = get_user_model()
        # Records of each list by key (existing rows first, then those written by this import).
        self.users: dict[str, Any] = {}
        self.children: dict[str, Child] = {}
        self.contacts: dict[str, Contact] = {}
        self.cases: dict[str, Case] = {}
        self.episodes: dict[str, MissingEpisode] = {}
        self.adopt: dict[str, Any] = {}  # staff key → an existing account taken over by username

    # --- problems ----------------------------------------------------------------------------

    def problem(self, record: Record, message: str) -> None:
        self.problems.append(Problem(record.list, record.index, record.label(), message))

    def raise_problems(self) -> None:
        if self.problems:
            self.problems.sort(
                key=lambda p: (
                    import_format.LISTS.index(p.list) if p.list in import_format.LISTS else -1,
                    -1 if p.index is None else p.index,
                )
            )
            raise ImportRejected(self.problems)

    # --- resolution: existing records and every reference --------------------------------------

    def _keys(self, name: str, *fields: str) -> set[str]:
        return {record[f] for record in self.records[name] for f in fields if record[f]}

    def missing(self, list_name: str, key: str, known) -> bool:
        """Whether a reference names no record: none in the file or imported before, and none left
        out of the file for problems of its own (reported already)."""
        return key not in known and key not in self.doc.rejected_keys[list_name]

    def resolve(self) -> None:
        r = self.records
        staff_keys = self._keys("staff", "key") | self._keys("allocations", "worker")
        self.users = {u.legacy_key: u for u in self.User.objects.filter(legacy_key__in=staff_keys)}
        child_keys = (
            self._keys("children", "key")
            | self._keys("contacts", "child")
            | self._keys("cases", "child")
            | self._keys("statutory_episodes", "child")
            | self._keys("missing_episodes", "child")
        )
        self.children = {c.legacy_key: c for c in Child.objects.filter(legacy_key__in=child_keys)}
        contact_keys = self._keys("contacts", "key") | self._keys("cases", "contact")
        self.contacts = {
            c.legacy_key: c for c in Contact.objects.filter(legacy_key__in=contact_keys).select_related("child")
        }
        case_keys = self._keys("cases", "key") | self._keys("allocations", "case") | self._keys("nrm_referrals", "case")
        self.cases = {c.legacy_key: c for c in Case.objects.filter(legacy_key__in=case_keys).select_related("child")}
        self.episodes = {
            e.legacy_key: e for e in MissingEpisode.objects.filter(legacy_key__in=self._keys("missing_episodes", "key"))
        }

        self._resolve_staff()
        file_children = self._keys("children", "key")
        for name in ("contacts", "cases", "statutory_episodes", "missing_episodes"):
            for record in r[name]:
                key = record["child"]
                if key and self.missing("children", key, file_children | self.children.keys()):
                    self.problem(record, f"child: no child with key {key!r} in this file or imported before")
        file_contacts = {rec["key"]: rec for rec in r["contacts"]}
        for record in r["cases"]:
            key = record["contact"]
            if not key:
                continue
            if key in file_contacts:
                contact_child = file_contacts[key]["child"]
            elif key in self.contacts:
                contact_child = self.contacts[key].child.legacy_key if self.contacts[key].child else None
            else:
                if self.missing("contacts", key, ()):
                    self.problem(record, f"contact: no contact with key {key!r} in this file or imported before")
                continue
            if contact_child and contact_child != record["child"]:
                self.problem(
                    record, f"contact: contact {key!r} is about child {contact_child!r}, not this case's child"
                )
        self._resolve_case_links()

    def _resolve_staff(self) -> None:
        usernames = {rec["username"] for rec in self.records["staff"]}
        by_username = {u.username: u for u in self.User.objects.filter(username__in=usernames)}
        for record in self.records["staff"]:
            mine = self.users.get(record["key"])
            owner = by_username.get(record["username"])
            if owner is None or owner == mine:
                continue
            if owner.legacy_key:
                self.problem(
                    record,
                    f"username: {record['username']!r} belongs to the account imported with key {owner.legacy_key!r}",
                )
            elif owner.is_system or owner.is_superuser or owner.is_staff:
                self.problem(record, f"username: {record['username']!r} belongs to a system or administrator account")
            elif mine is not None:
                self.problem(record, f"username: {record['username']!r} belongs to another account")
            else:
                self.adopt[record["key"]] = owner
        file_staff = self._keys("staff", "key")
        for record in self.records["allocations"]:
            if self.missing("staff", record["worker"], file_staff | self.users.keys()):
                self.problem(
                    record, f"worker: no staff member with key {record['worker']!r} in this file or imported before"
                )

    def _case_dates(self) -> dict[str, tuple[date, date | None]]:
        dates = {key: (clock.local_date(c.opened_at), _local_date(c.closed_at)) for key, c in self.cases.items()}
        for record in self.records["cases"]:
            dates[record["key"]] = (record["opened_at"], record["closed_at"])
        return dates

    def _resolve_case_links(self) -> None:
        dates = self._case_dates()
        for name in ("allocations", "nrm_referrals"):
            for record in self.records[name]:
                if self.missing("cases", record["case"], dates.keys()):
                    self.problem(record, f"case: no case with key {record['case']!r} in this file or imported before")
        for record in self.records["nrm_referrals"]:
            if record["case"] in dates and record["referred_on"] < dates[record["case"]][0]:
                self.problem(record, f"referred_on: is before the case opened ({dates[record['case']][0]})")

        # Allocations: within the case's life, ended when the case closed, never two at once.
        existing: dict[str, list[tuple[str | None, date, date | None]]] = defaultdict(list)
        file_identities = {(rec["case"], rec["worker"], rec["from"]) for rec in self.records["allocations"]}
        for allocation in Allocation.objects.filter(case__legacy_key__in=list(dates)).select_related("case", "worker"):
            identity = (
                allocation.case.legacy_key,
                allocation.worker.legacy_key,
                clock.local_date(allocation.started_at),
            )
            if identity not in file_identities:
                existing[allocation.case.legacy_key].append(
                    (allocation.worker.legacy_key or None, identity[2], _local_date(allocation.ended_at))
                )
        by_case: dict[str, list[Record]] = defaultdict(list)
        for record in self.records["allocations"]:
            if record["case"] not in dates:
                continue
            opened, closed = dates[record["case"]]
            by_case[record["case"]].append(record)
            if record["from"] < opened:
                self.problem(record, f"from: is before the case opened ({opened})")
            if closed is not None:
                if record["to"] is None:
                    self.problem(record, f"to: is missing, but the case closed on {closed}")
                elif record["to"] > closed:
                    self.problem(record, f"to: is after the case closed ({closed})")
        for case_key, (_opened, closed) in dates.items():
            if closed is None:
                continue
            for _worker, start, end in existing[case_key]:
                if end is None or end > closed:
                    case_record = next((rec for rec in self.records["cases"] if rec["key"] == case_key), None)
                    if case_record is not None:
                        self.problem(
                            case_record,
                            f"closed_at: the allocation from {start} recorded here before "
                            "has not ended by then; end it in this file",
                        )
        for case_key, records in by_case.items():
            periods = [(rec["from"], rec["to"], rec) for rec in records]
            periods += [(start, end, None) for _w, start, end in existing[case_key]]
            periods.sort(key=lambda p: (p[0], p[1] or date.max))
            for (start_a, end_a, rec_a), (start_b, _end_b, rec_b) in itertools.pairwise(periods):
                if end_a is not None and end_a <= start_b:
                    continue
                if rec_b is not None:
                    other = f"allocations[{rec_a.index}]" if rec_a is not None else "an allocation recorded before"
                    self.problem(rec_b, f"from: overlaps {other} (from {start_a}); a case has one worker at a time")
                elif rec_a is not None:
                    self.problem(
                        rec_a,
                        f"to: overlaps an allocation recorded before (from {start_b}); a case has one worker at a time",
                    )

    # --- writing -----------------------------------------------------------------------------

    def _save(self, record: Record, obj, *, created: bool, changed: list[str], **kwargs) -> bool:
        """Save one record with history in its own savepoint; note a refusal as a problem."""
        if not created and not changed:
            self.summary.unchanged[record.list] += 1
            return True
        try:
            with transaction.atomic():
                if created:
                    audit.save(obj, actor=self.actor, reason=REASON_CREATED, **kwargs)
                else:
                    if hasattr(obj, "version"):
                        bump(obj)
                    audit.save(obj, actor=self.actor, reason=REASON_UPDATED, update_fields=changed, **kwargs)
        except ValidationError as exc:
            self.problem(record, _messages(exc))
            return False
        except IntegrityError as exc:
            self.problem(record, f"the database refused it: {str(exc).splitlines()[0]}")
            return False
        (self.summary.created if created else self.summary.updated)[record.list] += 1
        return True

    def write(self) -> None:
        for step in (
            self._write_staff,
            self._write_children,
            self._write_contacts,
            self._write_cases,
            self._write_allocations,
            self._write_statutory_episodes,
            self._write_missing_episodes,
            self._write_nrm_referrals,
            self._write_child_markers,
        ):
            step()
            self.raise_problems()

    def _write_staff(self) -> None:
        groups = {role: Group.objects.get(name=role.label) for role in IMPORTED_ROLES}
        for record in self.records["staff"]:
            user = self.users.get(record["key"]) or self.adopt.get(record["key"])
            created = user is None
            if created:
                user = self.User(username=record["username"])
                user.set_unusable_password()
            role, title = STAFF_ROLE_MAP[record["role"]]
            first, last = _split_name(record["name"])
            active_to = record["active_to"]
            changed = _assign(
                user,
                {
                    "username": record["username"],
                    "first_name": first,
                    "last_name": last,
                    "job_title": title,
                    "case_holder": record["case_holder"],
                    "active_from": record["active_from"],
                    "active_to": active_to,
                    "is_active": active_to is None or active_to >= self.today,
                    "legacy_key": record["key"],
                },
            )
            if not self._save(record, user, created=created, changed=changed):
                continue
            self.users[record["key"]] = user
            current = set(user.groups.filter(name__in=[g.name for g in groups.values()]))
            if current != {groups[role]}:
                user.groups.remove(*(current - {groups[role]}))
                user.groups.add(groups[role])

    def _write_children(self) -> None:
        for record in self.records["children"]:
            child = self.children.get(record["key"])
            created = child is None
            if created:
                child = Child(legacy_key=record["key"], created_by=self.actor)
            changed = _assign(
                child,
                {
                    "first_name": record["first_name"],
                    "last_name": record["last_name"],
                    "date_of_birth": record["date_of_birth"],
                    "gender": record["gender"],
                    "ethnicity": record["ethnicity"],
                    "send_status": record["send"],
                    "receiving_education": record["receiving_education"],
                    "attendance_percent": record["attendance_percent"],
                },
            )
            # The previous system gives the latest attendance figure without its date: it is dated
            # the day it was imported (the day this service learnt it), and only when it changes.
            if record["attendance_percent"] is None:
                changed += _assign(child, {"attendance_recorded_on": None})
            elif "attendance_percent" in changed or child.attendance_recorded_on is None:
                changed += _assign(child, {"attendance_recorded_on": clock.local_date(self.now)})
            if self._save(record, child, created=created, changed=changed):
                self.children[record["key"]] = child

    def _next_reference(self, model, prefix: str, width: int):
        numbers = [
            int(match[1])
            for ref in model.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
            if (match := re.fullmatch(rf"{re.escape(prefix)}(\d+)", ref))
        ]
        number = max(numbers, default=0)
        while True:
            number += 1
            yield f"{prefix}{number:0{width}d}"

    def _referral_destinations(self) -> dict[str, tuple[bool, bool]]:
        """Where each contact referred to CATE and/or statutory safeguarding went, from the cases the
        document opens from it; a referral with no case in the document counts as to CATE."""
        destinations: dict[str, tuple[bool, bool]] = {}
        for case in self.records["cases"]:
            if case.values.get("contact"):
                cate, statutory = destinations.get(case["contact"], (False, False))
                destinations[case["contact"]] = (
                    cate or case["open_to"] in (OpenTo.CATE, OpenTo.BOTH),
                    statutory or case["open_to"] in (OpenTo.STATUTORY, OpenTo.BOTH),
                )
        return destinations

    def _write_contacts(self) -> None:
        references = self._next_reference(Contact, CONTACT_REFERENCE_PREFIX, 6)
        destinations = self._referral_destinations()
        for record in self.records["contacts"]:
            contact = self.contacts.get(record["key"])
            created = contact is None
            if created:
                contact = Contact(
                    legacy_key=record["key"],
                    reference=next(references),
                    channel=Channel.OTHER,
                    concern=f"Recorded in the previous system (record {record['key']}); its text was not imported.",
                    recorded_by=self.actor,
                )
            outcome = record["outcome"] or ""
            status = ContactStatus.DECIDED if outcome else ContactStatus.AWAITING_SCREENING
            if (
                not created
                and contact.status in (ContactStatus.IN_SCREENING, ContactStatus.ENTERED_IN_ERROR)
                and (contact.status == ContactStatus.ENTERED_IN_ERROR or not outcome)
            ):
                status = contact.status  # work begun (or an error marked) here is not undone
            changed = _assign(
                contact,
                {
                    "child": self.children.get(record["child"]) if record["child"] else None,
                    "received_at": record["received_at"],
                    "source": record["source"],
                    "is_anonymous": record["source"] == Source.ANONYMOUS,
                    "cse_concern": record["cse_concern"],
                    "enquiry_on_open_case": record["enquiry_on_open_case"],
                    "outcome": outcome,
                    "refer_to_cate": outcome == Outcome.CATE_OR_STATUTORY
                    and destinations.get(record["key"], (True, False))[0],
                    "refer_to_statutory": outcome == Outcome.CATE_OR_STATUTORY
                    and destinations.get(record["key"], (True, False))[1],
                    "decided_at": record["decided_at"],
                    "status": status,
                    "decision_due_at": self.settings.due("contact_decision", record["received_at"]),
                },
            )
            if not self._save(record, contact, created=created, changed=changed):
                continue
            self.contacts[record["key"]] = contact
            self._early_help_follow_up(record, contact)

    def _early_help_follow_up(self, record: Record, contact: Contact) -> None:
        """An early-help decision still within its follow-up time gets its follow-up, as one made
        here would; older ones were followed up (or not) in the previous system."""
        if contact.outcome != Outcome.EARLY_HELP or contact.decided_at is None:
            return
        due = self.settings.due("early_help_follow_up", contact.decided_at)
        if due < self.now or EarlyHelpFollowUp.objects.filter(contact=contact).exists():
            return
        follow_up = EarlyHelpFollowUp(contact=contact, due_at=due)
        try:
            with transaction.atomic():
                audit.save(follow_up, actor=self.actor, reason=REASON_CREATED)
        except ValidationError as exc:
            self.problem(record, _messages(exc))

    def _transition_due_on(self, child: Child, opened_at: datetime) -> date | None:
        """The post-17 transition meeting: 3 months (the setting) after the 17th birthday, or after
        opening when the child was older."""
        if child.date_of_birth is None:
            return None
        start = max(clock.birthday(child.date_of_birth, 17), clock.local_date(opened_at))
        return clock.local_date(self.settings.due("post17_transition", _sod(start)))

    def _write_cases(self) -> None:
        references = self._next_reference(Case, CASE_REFERENCE_PREFIX, 5)
        for record in self.records["cases"]:
            case = self.cases.get(record["key"])
            created = case is None
            if created:
                case = Case(legacy_key=record["key"], reference=next(references))
            was_closed = case.closed_at is not None
            child = self.children[record["child"]]
            opened_at, closed_at = _sod(record["opened_at"]), _sod(record["closed_at"])
            if closed_at is not None:
                status = CaseStatus.CLOSED
            elif not created and case.status == CaseStatus.CLOSURE_PROPOSED:
                status = CaseStatus.CLOSURE_PROPOSED
            else:
                status = CaseStatus.OPEN
            types = record["exploitation_types"]
            changed = _assign(
                case,
                {
                    "child": child,
                    "contact": self.contacts.get(record["contact"]) if record["contact"] else None,
                    "opened_at": opened_at,
                    "closed_at": closed_at,
                    "status": status,
                    "open_to": record["open_to"],
                    "cse": "cse" in types,
                    "cce": "cce" in types,
                    "other_exploitation": "other" in types,
                    "classification": record["classification"] or "",
                    "allocation_due_at": self.settings.due("allocation", opened_at),
                    "transition_due_on": self._transition_due_on(child, opened_at),
                },
            )
            if not self._save(record, case, created=created, changed=changed):
                continue
            self.cases[record["key"]] = case
            if created:
                self._chronology(
                    case, ChronologyKind.OPENED, "Case opened (recorded in the previous system)", opened_at
                )
            elif changed and not (set(changed) <= {"closed_at", "status"}):
                labels = ", ".join(str(Case._meta.get_field(n).verbose_name) for n in changed)
                self._chronology(
                    case, ChronologyKind.OTHER, f"Case record updated from the previous system: {labels}", self.now
                )
            if closed_at is not None and (created or not was_closed):
                self._chronology(
                    case, ChronologyKind.CLOSURE, "Case closed (recorded in the previous system)", closed_at
                )
            elif closed_at is None and was_closed:
                self._chronology(
                    case, ChronologyKind.OPENED, "Case reopened (recorded in the previous system)", self.now
                )

    def _chronology(self, case: Case, kind: str, summary: str, at: datetime) -> None:
        cate_services.chronology_record(case=case, kind=kind, summary=summary, actor=self.actor, occurred_at=at)

    def _write_allocations(self) -> None:
        records = self.records["allocations"]
        cases = {self.cases[rec["case"]].pk: self.cases[rec["case"]] for rec in records}
        cases.update({c.pk: c for c in self.cases.values() if c.pk})
        existing = {
            (a.case_id, a.worker_id, clock.local_date(a.started_at)): a
            for a in Allocation.objects.filter(case_id__in=list(cases))
        }
        pending = []
        for record in records:
            case, worker = self.cases[record["case"]], self.users[record["worker"]]
            allocation = existing.get((case.pk, worker.pk, record["from"]))
            pending.append((allocation is None, record, case, worker, allocation))
        # Ends first, so a case never has two current allocations while the new one is written.
        pending.sort(key=lambda item: item[0])
        for created, record, case, worker, allocation in pending:
            if created:
                allocation = Allocation(
                    case=case,
                    worker=worker,
                    started_at=_sod(record["from"]),
                    allocated_by=self.actor,
                    reason=REASON_CREATED,
                )
            changed = _assign(allocation, {"ended_at": _sod(record["to"])})
            if self._save(record, allocation, created=created, changed=changed) and created:
                self._chronology(
                    case,
                    ChronologyKind.ALLOCATION,
                    f"Allocated to {worker} (recorded in the previous system)",
                    allocation.started_at,
                )
        self._allocate_current_workers(cases.values())

    def _allocate_current_workers(self, cases) -> None:
        """Each case's allocated worker is the worker of its current allocation, who alone of the
        workers has access to it (as cate's allocation gives)."""
        cases = list(cases)
        current = {
            a.case_id: a.worker
            for a in Allocation.objects.filter(case__in=cases, ended_at__isnull=True).select_related("worker")
        }
        for case in cases:
            worker = current.get(case.pk) if case.closed_at is None else None
            previous = case.allocated_worker
            if previous != worker:
                case.allocated_worker = worker
                bump(case)
                reason = f"Allocated to {worker} ({REASON_CREATED.lower()})" if worker else REASON_UPDATED
                audit.save(case, actor=self.actor, reason=reason, update_fields=["allocated_worker"])
                if previous is not None:
                    cate_services.case_revoke_worker_access(case=case, worker=previous)
            if worker is not None:
                cate_services.case_grant_worker_access(case=case, worker=worker)

    def _write_statutory_episodes(self) -> None:
        records = self.records["statutory_episodes"]
        children = {self.children[rec["child"]].pk for rec in records}
        existing = {(e.child_id, e.kind, e.start): e for e in StatutoryEpisode.objects.filter(child_id__in=children)}
        for record in records:
            child = self.children[record["child"]]
            episode = existing.get((child.pk, record["kind"], record["start"]))
            created = episode is None
            if created:
                episode = StatutoryEpisode(child=child, kind=record["kind"], start=record["start"])
            changed = _assign(episode, {"end": record["end"]})
            self._save(record, episode, created=created, changed=changed)

    def _case_open_at(self, child: Child, moment: datetime) -> Case | None:
        """The child's CATE case open when the child went missing (the latest opened, if several)."""
        candidates = [
            case
            for case in Case.objects.filter(child=child, opened_at__lte=moment).order_by("-opened_at", "-id")
            if case.closed_at is None or case.closed_at >= moment
        ]
        return candidates[0] if candidates else None

    def _write_missing_episodes(self) -> None:
        for record in self.records["missing_episodes"]:
            child = self.children[record["child"]]
            episode = self.episodes.get(record["key"])
            created = episode is None
            if created:
                episode = MissingEpisode(legacy_key=record["key"], recorded_by=self.actor)
            returned_at, eligible = record["returned_at"], record["rhi_eligible"]
            due = self.settings.due("return_home_interview", returned_at) if returned_at and eligible else None
            changed = _assign(
                episode,
                {
                    "child": child,
                    "case": self._case_open_at(child, record["missing_from"]),
                    "missing_from": record["missing_from"],
                    "returned_at": returned_at,
                    "rhi_eligible": eligible,
                    "rhi_due_at": due,
                },
            )
            if not self._save(record, episode, created=created, changed=changed):
                continue
            self.episodes[record["key"]] = episode
            if created and episode.case is not None:
                when = f", returned {clock.local(returned_at):%-d %b %Y %H:%M}" if returned_at else ""
                self._chronology(
                    episode.case,
                    ChronologyKind.MISSING,
                    f"Missing from "
                    f"{clock.local(episode.missing_from):%-d %b %Y %H:%M}{when} (recorded in the previous "
                    "system)",
                    episode.missing_from,
                )
            if record["rhi_completed_at"]:
                self._write_interview(record, episode)

    def _write_interview(self, record: Record, episode: MissingEpisode) -> None:
        interview = ReturnHomeInterview.objects.filter(episode=episode).first()
        created = interview is None
        if created:
            interview = ReturnHomeInterview(episode=episode)
        changed = _assign(interview, {"status": RhiStatus.COMPLETED, "completed_at": record["rhi_completed_at"]})
        if not created and not changed:
            return
        try:
            with transaction.atomic():
                if not created:
                    bump(interview)
                audit.save(interview, actor=self.actor, reason=REASON_CREATED if created else REASON_UPDATED)
        except ValidationError as exc:
            self.problem(record, f"rhi_completed_at: {_messages(exc)}")

    def _write_nrm_referrals(self) -> None:
        records = self.records["nrm_referrals"]
        cases = {self.cases[rec["case"]].pk for rec in records}
        existing = {(n.case_id, n.referred_on) for n in NrmReferral.objects.filter(case_id__in=cases)}
        for record in records:
            case = self.cases[record["case"]]
            if (case.pk, record["referred_on"]) in existing:
                self.summary.unchanged[record.list] += 1
                continue
            referral = NrmReferral(
                case=case, referred_on=record["referred_on"], due_at=self.settings.due("nrm_referral", case.opened_at)
            )
            if self._save(record, referral, created=True, changed=[]):
                self._chronology(
                    case,
                    ChronologyKind.NRM,
                    "NRM referral made (recorded in the previous system)",
                    _sod(record["referred_on"]),
                )

    def _write_child_markers(self) -> None:
        children = {c.pk: c for c in self.children.values() if c.pk}
        children.update({c.child_id: c.child for c in self.cases.values() if c.pk})
        flags: dict[int, list[bool]] = {pk: [False, False] for pk in children}
        for child_id, closed_at, open_to in Case.objects.filter(child_id__in=list(children)).values_list(
            "child_id", "closed_at", "open_to"
        ):
            if open_to not in (OpenTo.CATE, OpenTo.BOTH):
                continue
            flags[child_id][0 if closed_at is None else 1] = True
        for pk, child in children.items():
            open_now, known_before = flags[pk]
            contact_services.child_set_cate_markers(
                child=child,
                open_to_cate=open_now,
                previously_known=known_before,
                actor=self.actor,
                reason=REASON_CREATED,
            )


# --- Report downloads ---------------------------------------------------------------------------


def report_export_record(*, report: str, period_start: date, period_end: date, file_format: str, actor) -> ReportExport:
    """Record that `actor` downloaded a report (the view logs the access against this row)."""
    if not actor.has_perm(VIEW_ANNUAL_REPORT):
        raise PermissionDenied("You cannot download this report.")
    export = ReportExport(
        report=report, period_start=period_start, period_end=period_end, file_format=file_format, exported_by=actor
    )
    export.full_clean()
    export.save()
    return export

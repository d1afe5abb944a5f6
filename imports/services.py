"""The import of records from a council's previous system, all or nothing.

The importer reads the document (document.py: the format and the checks that need no database),
resolves every reference against the file and the records imported before, and reports every
problem at once. It writes nothing itself: each record is written by the import services of the app
that owns it (core.imports: staff; contacts.services.imports: children, contacts and the children's
CATE markers; cate.services.imports: cases, allocations and who holds each case, statutory episodes,
missing episodes and their interviews, NRM referrals), which keep its history (the acting user,
normally the system user, and the import's reason), its chronology and its object permissions.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cate.choices import OpenTo
from cate.models import Case, MissingEpisode
from cate.services.imports import (
    allocation_import,
    case_import,
    case_import_references,
    cases_allocated_worker_import,
    missing_episode_import,
    nrm_referral_import,
    statutory_episode_import,
)
from contacts.choices import Outcome as ContactOutcome
from contacts.models import Child, Contact
from contacts.services.imports import child_cate_markers_import, child_import, contact_import, contact_import_references
from core import clock
from core.imports import REASON_CREATED, REASON_UPDATED, Imported, Outcome, error_text, staff_import
from core.roles import Role
from core.selectors import ServiceSettings, service_settings

from . import document as import_format
from . import selectors
from .document import Problem, Record
from .permissions import IMPORT_RECORDS

__all__ = ["REASON_CREATED", "REASON_UPDATED", "ImportRejected", "ImportSummary", "records_import"]

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
        self.users = selectors.staff_by_key(staff_keys)
        child_keys = (
            self._keys("children", "key")
            | self._keys("contacts", "child")
            | self._keys("cases", "child")
            | self._keys("statutory_episodes", "child")
            | self._keys("missing_episodes", "child")
        )
        self.children = selectors.children_by_key(child_keys)
        contact_keys = self._keys("contacts", "key") | self._keys("cases", "contact")
        self.contacts = selectors.contacts_by_key(contact_keys)
        case_keys = self._keys("cases", "key") | self._keys("allocations", "case") | self._keys("nrm_referrals", "case")
        self.cases = selectors.cases_by_key(case_keys)
        self.episodes = selectors.missing_episodes_by_key(self._keys("missing_episodes", "key"))

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
        by_username = selectors.staff_by_username(usernames)
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
        for allocation in selectors.allocations_of_cases_by_key(dates):
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

    # --- writing: each record by its owner's import service -----------------------------------

    def _import(self, record: Record, service: Callable[..., Imported], **kwargs) -> Imported | None:
        """Have one record written by its owner's service; count it, or note its refusal as a problem."""
        try:
            result = service(actor=self.actor, **kwargs)
        except ValidationError as exc:
            self.problem(record, error_text(exc))
            return None
        if result.outcome is Outcome.UNCHANGED:
            self.summary.unchanged[record.list] += 1
        else:
            (self.summary.created if result.outcome is Outcome.CREATED else self.summary.updated)[record.list] += 1
        return result

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
        for record in self.records["staff"]:
            role, title = STAFF_ROLE_MAP[record["role"]]
            first, last = _split_name(record["name"])
            result = self._import(
                record,
                staff_import,
                user=self.users.get(record["key"]) or self.adopt.get(record["key"]),
                legacy_key=record["key"],
                username=record["username"],
                first_name=first,
                last_name=last,
                job_title=title,
                case_holder=record["case_holder"],
                active_from=record["active_from"],
                active_to=record["active_to"],
                role=role,
                roles=IMPORTED_ROLES,
                today=self.today,
            )
            if result is not None:
                self.users[record["key"]] = result.record

    def _write_children(self) -> None:
        for record in self.records["children"]:
            result = self._import(
                record,
                child_import,
                child=self.children.get(record["key"]),
                legacy_key=record["key"],
                first_name=record["first_name"],
                last_name=record["last_name"],
                date_of_birth=record["date_of_birth"],
                gender=record["gender"],
                ethnicity=record["ethnicity"],
                send_status=record["send"],
                receiving_education=record["receiving_education"],
                attendance_percent=record["attendance_percent"],
                today=clock.local_date(self.now),
            )
            if result is not None:
                self.children[record["key"]] = result.record

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
        references = contact_import_references()
        destinations = self._referral_destinations()
        for record in self.records["contacts"]:
            outcome = record["outcome"] or ""
            to_cate, to_statutory = destinations.get(record["key"], (True, False))
            referred = outcome == ContactOutcome.CATE_OR_STATUTORY
            result = self._import(
                record,
                contact_import,
                contact=self.contacts.get(record["key"]),
                legacy_key=record["key"],
                references=references,
                child=self.children.get(record["child"]) if record["child"] else None,
                received_at=record["received_at"],
                source=record["source"],
                cse_concern=record["cse_concern"],
                enquiry_on_open_case=record["enquiry_on_open_case"],
                outcome=outcome,
                refer_to_cate=referred and to_cate,
                refer_to_statutory=referred and to_statutory,
                decided_at=record["decided_at"],
                now=self.now,
                settings=self.settings,
            )
            if result is not None:
                self.contacts[record["key"]] = result.record

    def _write_cases(self) -> None:
        references = case_import_references()
        for record in self.records["cases"]:
            types = record["exploitation_types"]
            result = self._import(
                record,
                case_import,
                case=self.cases.get(record["key"]),
                legacy_key=record["key"],
                references=references,
                child=self.children[record["child"]],
                contact=self.contacts.get(record["contact"]) if record["contact"] else None,
                opened_at=_sod(record["opened_at"]),
                closed_at=_sod(record["closed_at"]),
                open_to=record["open_to"],
                cse="cse" in types,
                cce="cce" in types,
                other_exploitation="other" in types,
                classification=record["classification"] or "",
                now=self.now,
                settings=self.settings,
            )
            if result is not None:
                self.cases[record["key"]] = result.record

    def _write_allocations(self) -> None:
        records = self.records["allocations"]
        cases = {self.cases[rec["case"]].pk: self.cases[rec["case"]] for rec in records}
        cases.update({c.pk: c for c in self.cases.values() if c.pk})
        existing = {
            (a.case_id, a.worker_id, clock.local_date(a.started_at)): a for a in selectors.allocations_of_cases(cases)
        }
        pending = []
        for record in records:
            case, worker = self.cases[record["case"]], self.users[record["worker"]]
            allocation = existing.get((case.pk, worker.pk, record["from"]))
            pending.append((allocation is None, record, case, worker, allocation))
        # Ends first, so a case never has two current allocations while the new one is written.
        pending.sort(key=lambda item: item[0])
        for _created, record, case, worker, allocation in pending:
            self._import(
                record,
                allocation_import,
                allocation=allocation,
                case=case,
                worker=worker,
                started_at=_sod(record["from"]),
                ended_at=_sod(record["to"]),
            )
        cases_allocated_worker_import(cases=cases.values(), actor=self.actor)

    def _write_statutory_episodes(self) -> None:
        records = self.records["statutory_episodes"]
        children = {self.children[rec["child"]].pk for rec in records}
        existing = {(e.child_id, e.kind, e.start): e for e in selectors.statutory_episodes_of_children(children)}
        for record in records:
            child = self.children[record["child"]]
            self._import(
                record,
                statutory_episode_import,
                episode=existing.get((child.pk, record["kind"], record["start"])),
                child=child,
                kind=record["kind"],
                start=record["start"],
                end=record["end"],
            )

    def _write_missing_episodes(self) -> None:
        for record in self.records["missing_episodes"]:
            result = self._import(
                record,
                missing_episode_import,
                episode=self.episodes.get(record["key"]),
                legacy_key=record["key"],
                child=self.children[record["child"]],
                missing_from=record["missing_from"],
                returned_at=record["returned_at"],
                rhi_eligible=record["rhi_eligible"],
                rhi_completed_at=record["rhi_completed_at"],
                settings=self.settings,
            )
            if result is not None:
                self.episodes[record["key"]] = result.record

    def _write_nrm_referrals(self) -> None:
        records = self.records["nrm_referrals"]
        cases = {self.cases[rec["case"]].pk for rec in records}
        existing = {(n.case_id, n.referred_on): n for n in selectors.nrm_referrals_of_cases(cases)}
        for record in records:
            case = self.cases[record["case"]]
            self._import(
                record,
                nrm_referral_import,
                referral=existing.get((case.pk, record["referred_on"])),
                case=case,
                referred_on=record["referred_on"],
                settings=self.settings,
            )

    def _write_child_markers(self) -> None:
        children = {c.pk: c for c in self.children.values() if c.pk}
        children.update({c.child_id: c.child for c in self.cases.values() if c.pk})
        for pk, (open_now, known_before) in selectors.cate_history_of_children(children).items():
            child_cate_markers_import(
                child=children[pk], open_to_cate=open_now, previously_known=known_before, actor=self.actor
            )

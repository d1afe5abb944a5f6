"""Realistic, internally consistent generated records for benchmarks and load tests.

`generate(scale=..., seed=..., as_at=...)` fills the database through the same models the services
write, in bulk: `bulk_create` in batches plus one history row per record (simple-history's
`bulk_history_create`, dated when the record came into being and attributed to the system user), with
no per-row signals or services. The same seed and "as at" date give the same records (primary keys
aside). This is test data: it bypasses the services on purpose, so it lives apart from them and is
refused under production settings by the command.

Shapes follow the services: a contact referred to CATE gets a referral, a completed detailed
assessment and a case; a case's allocations follow each other inside the case's dates, the current
worker holds the guardian object permissions, a closed case has no allocated worker; visits, risk
assessments, missing episodes (return home interviews after the return), NRM referrals, panel items
and decisions, strategy meetings and actions all fall inside the case's dates and each writes its
chronology event. The exploitation network around the children (persons of concern, places,
vehicles, numbers and handles, peer groups, and links with power-law degrees) is network.py.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from cate.models import Case
from contacts.choices import (
    Channel,
    ContactStatus,
    Ethnicity,
    Gender,
    Outcome,
    SendStatus,
    Source,
)
from contacts.matching import name_keys
from contacts.models import Child, ChildNameKey, Contact
from core import audit, clock
from core.demo import AGENCIES
from core.models import Agency, Team
from core.roles import Role, sync_roles
from core.selectors import service_settings
from riskpanel.choices import PanelStatus
from riskpanel.models import PanelMeeting

from .cases import CasesMixin
from .context_panels import ContextPanelsMixin
from .network import NetworkMixin
from .vocabulary import (
    FIRST_F,
    FIRST_M,
    GENERATED_PASSWORD,
    LAST,
    POSTCODES,
    SCALES,
    SCHOOLS,
    STAFF_MIX,
    YEARS,
    Scale,
)
from .writer import DatabaseNotEmpty, Summary, Writer, has_records


class Generator(CasesMixin, NetworkMixin, ContextPanelsMixin):
    def __init__(self, *, scale: Scale, seed: int, as_at: dt.date, stdout=None):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.tz = ZoneInfo(django_settings.TIME_ZONE)
        self.now = dt.datetime.combine(as_at, dt.time(17, 0), tzinfo=self.tz)
        self.start = dt.datetime.combine(as_at.replace(year=as_at.year - YEARS), dt.time(9, 0), tzinfo=self.tz)
        self.stdout = stdout
        self.summary = Summary()
        self.actor = audit.system_user()
        self.writer = Writer(self.actor, self.summary)
        self.settings = service_settings()
        self.tag = f"g{seed}"
        self._used_refs: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------------
    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)
            self.stdout.flush()

    def moment(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        """A time between lo and hi, rounded to the minute."""
        if hi <= lo:
            return lo
        span = int((hi - lo).total_seconds() // 60)
        return lo + dt.timedelta(minutes=self.rng.randint(0, span))

    def weighted(self, pairs):
        values = [p[0] for p in pairs]
        weights = [p[1] for p in pairs]
        return self.rng.choices(values, weights=weights, k=1)[0]

    def contact_reference(self) -> str:
        alphabet = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
        while True:
            code = "".join(self.rng.choice(alphabet) for _ in range(8))
            ref = f"FC-{code[:4]}-{code[4:]}"
            if ref not in self._used_refs:
                self._used_refs.add(ref)
                return ref

    # -- organisation ----------------------------------------------------------------------------
    def organisation(self) -> None:
        sync_roles()
        agencies = {a.name: a for a in Agency.objects.all()}
        new = [Agency(name=name, kind=kind) for name, kind in AGENCIES if name not in agencies]
        self.writer.insert(Agency, new)
        self.agencies = {a.name: a for a in Agency.objects.all()}
        council = self.agencies["Children's Services"]
        n_workers = max(1, round(self.scale.staff * 0.30))
        n_cate_teams = max(1, n_workers // 10)
        team_names = ["Family Connect", "Quality assurance", "Systems support"]
        team_names += [f"CATE team {i + 1}" for i in range(n_cate_teams)]
        existing = {(t.agency_id, t.name) for t in Team.objects.all()}
        new_teams = [Team(name=n, agency=council) for n in team_names if (council.pk, n) not in existing]
        new_teams += [
            Team(name=f"{a.name} MASH team", agency=a)
            for a in self.agencies.values()
            if a.pk != council.pk and (a.pk, f"{a.name} MASH team") not in existing
        ]
        self.writer.insert(Team, new_teams)
        teams = {(t.agency_id, t.name): t for t in Team.objects.all()}
        cate_teams = [teams[(council.pk, f"CATE team {i + 1}")] for i in range(n_cate_teams)]
        partner_agencies = [a for a in self.agencies.values() if a.pk != council.pk]

        User = get_user_model()
        password = make_password(GENERATED_PASSWORD)
        users, roles = [], []
        counts = {role: max(1, round(self.scale.staff * share)) for role, share in STAFF_MIX}
        counts[Role.PARTNER] = max(1, self.scale.staff - sum(c for r, c in counts.items() if r != Role.PARTNER))
        for role, count in counts.items():
            for i in range(count):
                first = self.rng.choice(FIRST_F + FIRST_M)
                last = self.rng.choice(LAST)
                agency, team = council, None
                if role in (Role.ADVISOR, Role.SCREENER):
                    team = teams[(council.pk, "Family Connect")]
                elif role in (Role.CATE_WORKER, Role.TEAM_LEADER):
                    team = cate_teams[i % len(cate_teams)]
                elif role == Role.AUDITOR:
                    team = teams[(council.pk, "Quality assurance")]
                elif role == Role.ADMINISTRATOR:
                    team = teams[(council.pk, "Systems support")]
                elif role in (Role.PARTNER, Role.PANEL_MEMBER):
                    agency = self.rng.choice(partner_agencies)
                    team = teams[(agency.pk, f"{agency.name} MASH team")]
                username = f"{self.tag}-{role.value.replace('_', '')}{i + 1:03d}"
                users.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@cate-generated.invalid",
                        password=password,
                        agency=agency,
                        team=team,
                        job_title=role.label,
                        is_staff=role == Role.ADMINISTRATOR,
                        case_holder=role in (Role.CATE_WORKER, Role.TEAM_LEADER),
                        active_from=self.start.date(),
                    )
                )
                roles.append(role)
        self.writer.insert(User, users, [self.start] * len(users))
        groups = {g.name: g for g in Group.objects.all()}
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=groups[role.label].pk) for u, role in zip(users, roles, strict=True)]
        )
        self.by_role: dict[Role, list] = defaultdict(list)
        for user, role in zip(users, roles, strict=True):
            self.by_role[role].append(user)
        self.workers = self.by_role[Role.CATE_WORKER]
        self.leaders = self.by_role[Role.TEAM_LEADER]
        self.screeners = self.by_role[Role.SCREENER]
        self.advisors = self.by_role[Role.ADVISOR]
        self.partners = self.by_role[Role.PARTNER] + self.by_role[Role.PANEL_MEMBER]
        self.partner_agencies = partner_agencies
        self.say(f"staff: {len(users)}")

    # -- plan ------------------------------------------------------------------------------------
    def plan_children(self) -> None:
        """Dates of birth, and which children have a CATE case (with its contact, open and close)."""
        n = self.scale.children
        rng = self.rng
        first_day = self.start.date()
        last_day = self.now.date()
        # Aged 10 to 17 at some point of the ten years: born between 27 and 10 years before as-at.
        lo = last_day.replace(year=last_day.year - 27).toordinal() + 400
        hi = last_day.replace(year=last_day.year - 10).toordinal()
        self.dob = [dt.date.fromordinal(rng.randint(lo, hi)) for _ in range(n)]
        # Each child's window for contacts: while aged 8 to 17, inside the ten years.
        self.window = []
        for dob in self.dob:
            w0 = max(first_day, clock.birthday(dob, 8))
            w1 = min(last_day - dt.timedelta(days=1), clock.birthday(dob, 18) - dt.timedelta(days=1))
            self.window.append((w0, w1))
        case_children = rng.sample(range(n), self.scale.cases)
        self.case_plan = []  # (child index, contact received_at, opened_at, closed_at or None)
        for index in case_children:
            w0, w1 = self.window[index]
            w1 = min(w1, last_day - dt.timedelta(days=20))
            w0 = min(w0, w1)
            received = self.moment(
                dt.datetime.combine(w0, dt.time(8), tzinfo=self.tz),
                dt.datetime.combine(w1, dt.time(18), tzinfo=self.tz),
            )
            opened = received + dt.timedelta(days=rng.randint(3, 18), hours=rng.randint(0, 6))
            if opened >= self.now - dt.timedelta(days=2):
                opened = self.now - dt.timedelta(days=2, hours=rng.randint(1, 30))
            duration = dt.timedelta(days=rng.randint(60, 540))
            closed = opened + duration if opened + duration < self.now - dt.timedelta(days=1) else None
            self.case_plan.append((index, received, opened, closed))
        self.case_plan.sort(key=lambda plan: (plan[2], plan[0]))  # cases opened in time order
        self.case_of_child = {plan[0]: i for i, plan in enumerate(self.case_plan)}

    # -- children and contacts -------------------------------------------------------------------
    def children(self) -> None:
        rng = self.rng
        ethnicities = [(e, 1) for e in Ethnicity.values if e not in ("WBRI",)] + [("WBRI", 60), ("", 5)]
        objs, dates = [], []
        for index, dob in enumerate(self.dob):
            gender = self.weighted([(Gender.FEMALE, 55), (Gender.MALE, 43), (Gender.OTHER, 1), (Gender.NOT_KNOWN, 1)])
            first = rng.choice(FIRST_M if gender == Gender.MALE else FIRST_F)
            attendance = round(rng.uniform(40, 100), 2) if rng.random() < 0.7 else None
            plan_index = self.case_of_child.get(index)
            open_to_cate = previously = False
            if plan_index is not None:
                closed = self.case_plan[plan_index][3]
                open_to_cate, previously = closed is None, closed is not None
            created = dt.datetime.combine(self.window[index][0], dt.time(9), tzinfo=self.tz)
            objs.append(
                Child(
                    first_name=first,
                    last_name=rng.choice(LAST),
                    known_as=rng.choice(["", "", "", first[:3]]),
                    date_of_birth=dob,
                    gender=gender,
                    ethnicity=self.weighted(ethnicities),
                    postcode=rng.choice(POSTCODES),
                    address=f"{rng.randint(1, 200)} {rng.choice(LAST)} Road, Telford",
                    school=rng.choice(SCHOOLS),
                    send_status=self.weighted(
                        [(SendStatus.NONE, 70), (SendStatus.SEN_SUPPORT, 15), (SendStatus.EHCP, 5), ("not_known", 10)]
                    ),
                    receiving_education=rng.random() < 0.9,
                    attendance_percent=attendance,
                    attendance_recorded_on=self.window[index][1] if attendance is not None else None,
                    in_care=rng.random() < 0.06,
                    open_to_cate=open_to_cate,
                    previously_known_to_cate=previously,
                    created_by=self.actor,
                )
            )
            dates.append(created)
        self.child_ids = []
        for start in range(0, len(objs), 20_000):
            created = self.writer.insert(Child, objs[start : start + 20_000], dates[start : start + 20_000])
            self.child_ids.extend(c.pk for c in created)
            # The search keys of the names, as contacts' services write them for a child they add.
            keys = [
                ChildNameKey(child_id=c.pk, key=key)
                for c in created
                for key in sorted(name_keys(c.first_name, c.last_name, c.known_as))
            ]
            self.writer.insert(ChildNameKey, keys)
        self.say(f"children: {len(self.child_ids)}")

    def contacts(self) -> None:
        """Every child has a contact; the rest fall to children at random. A case child's contact
        that led to CATE is decided cate_or_statutory with refer_to_cate."""
        rng = self.rng
        n_children = self.scale.children
        extra = max(0, self.scale.contacts - n_children)
        owners = list(range(n_children)) + [rng.randrange(n_children) for _ in range(extra)]
        case_contact_at = {plan[0]: plan[1] for plan in self.case_plan}
        self.case_contact = {}  # child index -> (contact id, decided_at, decider)
        recent = self.now - dt.timedelta(days=3)
        pending, dates, keys = [], [], []
        sources = [
            (Source.POLICE, 35),
            (Source.COUNCIL, 15),
            (Source.SCHOOLS_COLLEGES, 20),
            (Source.NHS, 12),
            (Source.ANONYMOUS, 3),
            (Source.INDIVIDUAL, 6),
            (Source.OTHER_AGENCIES, 8),
            (Source.NOT_KNOWN, 1),
        ]
        seen_case_contact = set()

        def flush():
            created = self.writer.insert(Contact, pending, dates)
            for obj, key in zip(created, keys, strict=True):
                if key is not None:
                    self.case_contact[key] = (obj.pk, obj.decided_at, obj.decided_by_id)
            pending.clear()
            dates.clear()
            keys.clear()

        planned = []
        for child_index in owners:
            w0, w1 = self.window[child_index]
            is_case_contact = child_index in case_contact_at and child_index not in seen_case_contact
            if is_case_contact:
                seen_case_contact.add(child_index)
                received = case_contact_at[child_index]
            else:
                received = self.moment(
                    dt.datetime.combine(w0, dt.time(7), tzinfo=self.tz),
                    dt.datetime.combine(w1, dt.time(22), tzinfo=self.tz),
                )
                if received > self.now:
                    received = self.now - dt.timedelta(hours=rng.randint(1, 48))
            planned.append((received, child_index, is_case_contact))
        # Written in the order they arrived, as a live system writes them (the table's physical order
        # then follows time, as it does in production, and period reports read what they would there).
        planned.sort()
        for received, child_index, is_case_contact in planned:
            source = self.weighted(sources)
            due = clock.add_working_days(received, 1)
            contact = Contact(
                reference=self.contact_reference(),
                child_id=self.child_ids[child_index],
                received_at=received,
                channel=Channel.ANONYMOUS_FORM
                if source == Source.ANONYMOUS
                else self.weighted([(Channel.PHONE, 50), (Channel.EMAIL, 25), (Channel.PROFESSIONAL_FORM, 25)]),
                source=source,
                is_anonymous=source == Source.ANONYMOUS,
                referrer_organisation="" if source == Source.ANONYMOUS else source.label,
                referrer_name="" if source == Source.ANONYMOUS else f"{rng.choice(FIRST_F)} {rng.choice(LAST)}",
                concern="Concerns about exploitation: seen with older males, missing overnight.",
                cse_concern=rng.random() < 0.6,
                cce_concern=rng.random() < 0.4,
                decision_due_at=due,
                recorded_by=rng.choice(self.advisors),
            )
            if not is_case_contact and received > recent:
                if rng.random() < 0.5:
                    contact.status = ContactStatus.IN_SCREENING
                    contact.assigned_to = rng.choice(self.screeners)
                    contact.assigned_at = received + dt.timedelta(hours=1)
            else:
                decided = received + dt.timedelta(hours=rng.uniform(0.5, 30))
                contact.status = ContactStatus.DECIDED
                contact.decided_at = decided
                contact.decided_by = rng.choice(self.screeners)
                contact.assigned_to, contact.assigned_at = contact.decided_by, received + dt.timedelta(minutes=30)
                if decided > due:
                    contact.late_decision_reason = "Waiting for police information."
                if is_case_contact:
                    contact.outcome = Outcome.CATE_OR_STATUTORY
                    contact.refer_to_cate = True
                    contact.refer_to_statutory = rng.random() < 0.2
                else:
                    contact.outcome = self.weighted(
                        [(Outcome.INFORMATION_ADVICE, 50), (Outcome.EARLY_HELP, 35), (Outcome.CATE_OR_STATUTORY, 15)]
                    )
                    if contact.outcome == Outcome.CATE_OR_STATUTORY:
                        contact.refer_to_statutory = True
                    if contact.outcome == Outcome.EARLY_HELP:
                        contact.early_help_agency = rng.choice(self.partner_agencies)
                        contact.early_help_service = "Targeted youth support"
                contact.outcome_detail = "Decided on the information gathered."
            pending.append(contact)
            dates.append(received)
            keys.append(child_index if is_case_contact else None)
            if len(pending) >= 20_000:
                flush()
        flush()
        self.say(f"contacts: {self.summary.counts['contacts.Contact']}")

    # -- panels ----------------------------------------------------------------------------------
    def panels(self) -> None:
        """Fortnightly Thursday panels over the ten years and the next four weeks."""
        day = self.start.date()
        day += dt.timedelta(days=(3 - day.weekday()) % 7)
        meetings, dates = [], []
        end = self.now + dt.timedelta(weeks=4)
        existing = {m.meets_at: m for m in PanelMeeting.objects.filter(meets_at__gte=self.start)}  # with --force
        while True:
            meets = dt.datetime.combine(day, dt.time(10), tzinfo=self.tz)
            if meets > end:
                break
            past = meets + dt.timedelta(hours=3) < self.now
            chair = self.rng.choice(self.leaders)
            if meets in existing:
                day += dt.timedelta(days=14)
                continue
            meetings.append(
                PanelMeeting(
                    meets_at=meets,
                    location="Addenbrooke House, Telford",
                    chair=chair,
                    status=PanelStatus.CLOSED if past else PanelStatus.SCHEDULED,
                    opened_at=meets if past else None,
                    closed_at=meets + dt.timedelta(hours=3) if past else None,
                )
            )
            dates.append(meets - dt.timedelta(days=14))
            day += dt.timedelta(days=14)
        self.writer.insert(PanelMeeting, meetings, dates)
        self.meetings = sorted([*meetings, *existing.values()], key=lambda m: m.meets_at)
        self.meeting_times = [m.meets_at for m in self.meetings]
        self.meeting_positions = defaultdict(int)
        members = PanelMeeting.members.through
        members.objects.bulk_create(
            [
                members(panelmeeting_id=m.pk, user_id=u.pk)
                for m in self.meetings
                for u in self.by_role[Role.PANEL_MEMBER]
            ]
        )

    def next_meeting_index(self, after: dt.datetime) -> int | None:
        import bisect

        index = bisect.bisect_left(self.meeting_times, after)
        return index if index < len(self.meeting_times) else None

    # -- cases -----------------------------------------------------------------------------------
    # -- all -------------------------------------------------------------------------------------
    def _existing_references(self) -> None:
        """With --force, generated references continue after (and never repeat) the existing ones."""
        self._case_numbers: dict[int, int] = defaultdict(int)
        existing = Case.objects.filter(reference__regex=r"^CATE-\d{4}-\d{5}$").values_list("reference", flat=True)
        for reference in existing:
            year, number = int(reference[5:9]), int(reference[10:])
            self._case_numbers[year] = max(self._case_numbers[year], number)
        self._used_refs.update(Contact.objects.values_list("reference", flat=True))

    def run(self) -> Summary:
        began = time.monotonic()
        with transaction.atomic():
            self._existing_references()
            self.organisation()
            self.plan_children()
            self.children()
            self.contacts()
            self.panels()
            self.cases()
            self.network()
            self.context_panels()
        self.summary.seconds = time.monotonic() - began
        return self.summary


def generate(*, scale: str | Scale, seed: int, as_at: dt.date, stdout=None, force: bool = False) -> Summary:
    if isinstance(scale, str):
        scale = SCALES[scale]
    if not force and has_records():
        raise DatabaseNotEmpty("The database already has records.")
    return Generator(scale=scale, seed=seed, as_at=as_at, stdout=stdout).run()

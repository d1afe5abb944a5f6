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
chronology event.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
import time
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from django.utils import timezone

from cate.choices import (
    AssessmentOutcome,
    AssessmentType,
    CaseStatus,
    ChronologyKind,
    Classification,
    ClosureStatus,
    NrmDecision,
    OpenTo,
    ReferralStatus,
    RhiLateReason,
    RhiStatus,
    RiskLevel,
    RiskSource,
    StatutoryKind,
    StepDownDestination,
    VisitKind,
)
from cate.models import (
    Allocation,
    Case,
    CaseClosure,
    CaseUserObjectPermission,
    ChronologyEvent,
    DetailedAssessment,
    MissingEpisode,
    NrmReferral,
    Referral,
    ReturnHomeInterview,
    RiskAssessment,
    StatutoryEpisode,
    Visit,
)
from cate.permissions import CASE_WORKER_OBJECT_PERMISSIONS
from contacts.choices import (
    Channel,
    ContactStatus,
    Ethnicity,
    ExploitationFactor,
    FactorLevel,
    Gender,
    Outcome,
    SendStatus,
    Source,
)
from contacts.models import Child, Contact
from core import audit, clock
from core.demo import AGENCIES
from core.models import Agency, Team
from core.roles import Role, sync_roles
from core.selectors import service_settings
from riskpanel.choices import ActionStatus, ItemKind, PanelStatus, RagColour
from riskpanel.models import Action, AgendaItem, PanelDecision, PanelMeeting, StrategyMeeting

BATCH = 2000
YEARS = 10
REASON = "Generated data"
GENERATED_PASSWORD = "cate-generated-2026"  # noqa: S105 - generated accounts, never under production


@dataclass(frozen=True)
class Scale:
    children: int
    contacts: int
    cases: int
    missing: int
    staff: int


SCALES = {
    "tiny": Scale(children=60, contacts=150, cases=12, missing=36, staff=30),
    "small": Scale(children=1_000, contacts=2_500, cases=100, missing=300, staff=60),
    "large": Scale(children=200_000, contacts=500_000, cases=20_000, missing=60_000, staff=500),
}

# Share of staff in each role (at least one of each).
STAFF_MIX = [
    (Role.CATE_WORKER, 0.30),
    (Role.TEAM_LEADER, 0.03),
    (Role.GROUP_MANAGER, 0.01),
    (Role.SCREENER, 0.08),
    (Role.ADVISOR, 0.12),
    (Role.PANEL_MEMBER, 0.06),
    (Role.AUDITOR, 0.02),
    (Role.ADMINISTRATOR, 0.02),
    (Role.PARTNER, 0.36),
]

FIRST_F = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Willow",
    "Freya",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Evelyn",
    "Sienna",
    "Sofia",
    "Daisy",
    "Phoebe",
    "Sophie",
    "Alice",
    "Harper",
    "Matilda",
    "Ruby",
    "Emilia",
    "Maya",
    "Millie",
    "Isabelle",
    "Chloe",
    "Jessica",
    "Layla",
    "Holly",
    "Megan",
    "Leah",
    "Zara",
    "Aisha",
    "Amira",
    "Hannah",
    "Jasmine",
    "Keira",
    "Lacey",
    "Molly",
    "Niamh",
    "Tia",
]
FIRST_M = [
    "Muhammad",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Theodore",
    "Freddie",
    "Archie",
    "Henry",
    "Alfie",
    "Charlie",
    "Theo",
    "Jack",
    "Lucas",
    "Tommy",
    "Finley",
    "Isaac",
    "Jacob",
    "Teddy",
    "Thomas",
    "William",
    "Harry",
    "Joshua",
    "Edward",
    "Alexander",
    "James",
    "Ethan",
    "Mason",
    "Reuben",
    "Riley",
    "Logan",
    "Max",
    "Ollie",
    "Kai",
    "Jayden",
    "Tyler",
    "Callum",
    "Connor",
    "Kyle",
    "Liam",
    "Nathan",
    "Ryan",
    "Bradley",
    "Dylan",
    "Jordan",
    "Lewis",
    "Owen",
    "Zak",
]
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Ahmed",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
    "Reynolds",
    "Saunders",
    "Payne",
    "Fox",
    "Ford",
    "Pearce",
    "Day",
    "Brooks",
    "West",
    "Lawrence",
    "Cole",
    "Atkinson",
    "Bradley",
    "Spencer",
    "Gill",
    "Dawson",
    "Ball",
    "Burton",
    "O'Brien",
    "Watts",
    "Rose",
    "Booth",
    "Perry",
    "Ryan",
    "Grant",
    "Wells",
    "Armstrong",
    "Francis",
    "Rees",
    "Hayes",
    "Hart",
    "Hudson",
]
SCHOOLS = [f"{name} Academy" for name in ("Hadley", "Ercall", "Charlton", "Madeley", "Lakeside", "Burton Borough")]
SCHOOLS += [f"{name} School" for name in ("Abraham Darby", "Thomas Telford", "Ladygrove", "Wrockwardine Wood")]
POSTCODES = [f"TF{d} {n}{a}{b}" for d in (1, 2, 3, 4, 7) for n in range(1, 10) for a in "ABDE" for b in "FHJ"]
FACTORS = list(ExploitationFactor.values)
FACTOR_LEVELS = list(FactorLevel.values)
RISK_WEIGHTS = [
    (RiskLevel.LOW, 15),
    (RiskLevel.LOW_MEDIUM, 20),
    (RiskLevel.MEDIUM, 30),
    (RiskLevel.MEDIUM_HIGH, 22),
    (RiskLevel.HIGH, 13),
]
VISIT_EVERY_DAYS = {
    RiskLevel.HIGH: 4,
    RiskLevel.MEDIUM_HIGH: 7,
    RiskLevel.MEDIUM: 7,
    RiskLevel.LOW_MEDIUM: 14,
    RiskLevel.LOW: 14,
}


class DatabaseNotEmpty(Exception):
    pass


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rows = [f"{name:<36} {count:>10,}" for name, count in sorted(self.counts.items())]
        return [*rows, f"{'seconds':<36} {self.seconds:>10.1f}"]


def has_records() -> bool:
    User = get_user_model()
    return (
        Child.objects.exists()
        or Contact.objects.exists()
        or Case.objects.exists()
        or User.objects.filter(is_system=False)
        .exclude(username=getattr(django_settings, "ANONYMOUS_USER_NAME", "AnonymousUser"))
        .exists()
    )


class _Writer:
    """bulk_create in batches, then one dated, attributed history row per record.

    The history rows are the ones simple-history's `bulk_history_create` builds (every tracked field,
    `history_type` "+", user and reason), written with PostgreSQL's COPY rather than as model
    instances: that halves the time of a large run. Other databases use `bulk_history_create`.
    """

    def __init__(self, actor, summary: Summary):
        self.actor = actor
        self.summary = summary

    def insert(self, model, objs: list, dates: list[dt.datetime] | None = None) -> list:
        if not objs:
            return objs
        if connection.vendor == "postgresql":
            created = self._copy_rows(model, objs)
        else:
            created = []
            for start in range(0, len(objs), BATCH):
                created.extend(model.objects.bulk_create(objs[start : start + BATCH]))
        self.summary.counts[model._meta.label] += len(created)
        history = getattr(model, "history", None)
        if history is not None:
            if connection.vendor == "postgresql":
                self._copy_history(history.model, created, dates)
            else:
                for index, obj in enumerate(created):
                    obj._history_user = self.actor
                    obj._change_reason = REASON
                    if dates is not None:
                        obj._history_date = dates[index]
                history.bulk_history_create(
                    created, batch_size=BATCH, default_user=self.actor, default_change_reason=REASON
                )
            self.summary.counts[f"{model._meta.label} (history)"] += len(created)
        return created

    def _copy_rows(self, model, objs: list) -> list:
        """What bulk_create does (defaults, auto_now times, primary keys from the table's sequence),
        written with COPY."""
        meta = model._meta
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        now = timezone.now()
        fields = meta.concrete_fields
        auto_now = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        names = [f.attname for f in fields]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(f.column) for f in fields)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for obj, pk in zip(objs, ids, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, "default"
                row = []
                for name in names:
                    if name in auto_now:
                        setattr(obj, name, now)
                    value = getattr(obj, name)
                    row.append(json.dumps(value) if name in json_fields else value)
                copy.write_row(row)
        return objs

    def _copy_history(self, historical, created: list, dates: list[dt.datetime] | None) -> None:
        tracked = [f.attname for f in historical.tracked_fields]
        json_fields = {f.attname for f in historical.tracked_fields if isinstance(f, models.JSONField)}
        columns = [historical._meta.get_field(name).column for name in tracked]
        columns += ["history_date", "history_user_id", "history_change_reason", "history_type"]
        fallback = timezone.now()
        actor_id = self.actor.pk
        table = connection.ops.quote_name(historical._meta.db_table)
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for index, obj in enumerate(created):
                row = [
                    json.dumps(getattr(obj, name)) if name in json_fields else getattr(obj, name) for name in tracked
                ]
                row += [dates[index] if dates is not None else fallback, actor_id, REASON, "+"]
                copy.write_row(row)


class Generator:
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
        self.writer = _Writer(self.actor, self.summary)
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

    def working_hours_later(self, moment: dt.datetime, hours: float) -> dt.datetime:
        return moment + dt.timedelta(hours=hours)

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
    def cases(self) -> None:
        chunk = 1000
        for start in range(0, len(self.case_plan), chunk):
            self._case_chunk(self.case_plan[start : start + chunk], start)
            self.say(f"cases: {min(start + chunk, len(self.case_plan))}/{len(self.case_plan)}")

    def _case_chunk(self, plans, offset: int) -> None:
        rng = self.rng
        s = self.settings
        referrals, ref_dates = [], []
        for child_index, received, _opened, _closed in plans:
            contact_id, decided_at, decider = self.case_contact[child_index]
            referred = decided_at or received
            referrals.append(
                Referral(
                    child_id=self.child_ids[child_index],
                    contact_id=contact_id,
                    referred_at=referred,
                    referred_by_id=decider,
                    assessment_due_at=clock.add_working_days(referred, 45),
                    status=ReferralStatus.COMPLETED,
                )
            )
            ref_dates.append(referred)
        referrals = self.writer.insert(Referral, referrals, ref_dates)

        assessments, cases, case_dates = [], [], []
        leaders = self.leaders
        for _number, ((child_index, _received, opened, closed), referral) in enumerate(
            zip(plans, referrals, strict=True)
        ):
            author = rng.choice(leaders + self.workers[:5])
            started = referral.referred_at + dt.timedelta(hours=rng.randint(2, 48))
            if started > opened:
                started = referral.referred_at
            both = rng.random() < 0.2
            assessments.append(
                DetailedAssessment(
                    referral=referral,
                    assessment_type=AssessmentType.CATE,
                    author=author,
                    started_at=started,
                    completed_at=opened,
                    cse_is_factor=True,
                    outcome=AssessmentOutcome.OPENED_BOTH if both else AssessmentOutcome.OPENED_CATE,
                    summary="Exploitation risk confirmed; case opened.",
                )
            )
            year = clock.local_date(opened).year
            self._case_numbers[year] += 1
            case = Case(
                reference=f"CATE-{year}-{self._case_numbers[year]:05d}",
                child_id=referral.child_id,
                referral=referral,
                contact_id=referral.contact_id,
                opened_at=opened,
                opened_by=author,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_at=closed,
                open_to=OpenTo.BOTH if both else OpenTo.CATE,
                cse=rng.random() < 0.7,
                cce=rng.random() < 0.4,
                classification=self.weighted([(Classification.VICTIM, 35), (Classification.AT_RISK, 65)]),
                classified_by=author,
                classified_at=opened,
                allocation_due_at=clock.add_working_days(opened, 1),
                transition_due_on=clock.add_months_to_date(clock.birthday(self.dob[child_index], 17), 3),
                legacy_key="",
            )
            if closed:
                case.closure_reason = "Risk reduced; the young person is engaging with universal services."
                case.exit_plan = "Youth service and school keep in touch; re-refer if missing again."
                case.step_down_destination = self.weighted(
                    [(StepDownDestination.UNIVERSAL, 50), (StepDownDestination.EARLY_HELP, 30), ("statutory", 20)]
                )
            cases.append(case)
            case_dates.append(opened)
        self.writer.insert(DetailedAssessment, assessments, [a.started_at for a in assessments])

        # Walk each case's life before inserting it, so that its current state is known.
        per_case = []
        for case in cases:
            end = case.closed_at or self.now
            life = {"allocs": [], "visits": [], "ras": [], "missing": [], "items": [], "chron": []}
            # Allocations: one to three, back to back, inside the case's dates.
            first = case.opened_at + dt.timedelta(hours=rng.randint(2, 30))
            first = min(first, end - dt.timedelta(minutes=1))
            spans = 1 if (end - first).days < 120 else rng.choice([1, 1, 2, 2, 3])
            cuts = sorted(self.moment(first, end) for _ in range(spans - 1))
            bounds = [first, *cuts, end]
            worker = None
            for i in range(spans):
                previous = worker
                while worker is None or (worker == previous and len(self.workers) > 1):
                    worker = rng.choice(self.workers)
                is_last = i == spans - 1
                life["allocs"].append((worker, bounds[i], None if (is_last and not case.closed_at) else bounds[i + 1]))
            # Risk assessments: a week or two after allocation, then every three months.
            level = self.weighted(RISK_WEIGHTS)
            when = first + dt.timedelta(days=rng.randint(5, 14))
            while when < end:
                level = self.weighted(RISK_WEIGHTS) if rng.random() < 0.4 else level
                life["ras"].append((when, level))
                when += dt.timedelta(days=rng.randint(80, 100))
            # Visits: at the frequency of the level of the time.
            level_now = life["ras"][0][1] if life["ras"] else RiskLevel.MEDIUM
            when = first + dt.timedelta(days=rng.randint(1, 5))
            ra_iter = iter(life["ras"])
            next_ra = next(ra_iter, None)
            while when < end:
                while next_ra and next_ra[0] <= when:
                    level_now = next_ra[1]
                    next_ra = next(ra_iter, None)
                life["visits"].append(when)
                gap = VISIT_EVERY_DAYS[level_now]
                when += dt.timedelta(days=rng.randint(max(2, gap - 2), gap + 4), hours=rng.randint(-3, 3))
            life["level"] = level_now
            # Panels: first panel within six weeks of allocation, then reviews about every 12 weeks.
            meeting_index = self.next_meeting_index(first + dt.timedelta(days=7))
            kind = ItemKind.FIRST_PANEL
            while meeting_index is not None and self.meeting_times[meeting_index] < end + dt.timedelta(days=28):
                if self.meeting_times[meeting_index] > end and case.closed_at:
                    break
                life["items"].append((meeting_index, kind))
                kind = ItemKind.REVIEW
                meeting_index += 6
                if meeting_index >= len(self.meeting_times):
                    break
            per_case.append(life)

        for case, life in zip(cases, per_case, strict=True):
            if not case.closed_at:
                case.allocated_worker = life["allocs"][-1][0]
                last_visit = life["visits"][-1] if life["visits"] else case.opened_at
                case.next_visit_due_at = last_visit + dt.timedelta(days=VISIT_EVERY_DAYS[life["level"]])
            if life["ras"]:
                case.current_risk_level = life["ras"][-1][1]
                case.risk_level_source = RiskSource.ASSESSMENT
                case.risk_level_set_at = life["ras"][-1][0]
            if case.closed_at:
                case.closure_proposed_by = life["allocs"][-1][0]
                case.closure_proposed_at = case.closed_at - dt.timedelta(days=rng.randint(1, 10))
                case.closure_approved_by = rng.choice(self.leaders)
        cases = self.writer.insert(Case, cases, case_dates)

        allocations, alloc_dates, perms = [], [], []
        visits, ras, closures, nrms, statutory = [], [], [], [], []
        episodes, chron = [], []
        perm_ids = self._case_permission_ids()

        def event(case, kind, at, summary, by):
            chron.append(ChronologyEvent(case=case, kind=kind, occurred_at=at, summary=summary[:300], recorded_by=by))

        for case, life in zip(cases, per_case, strict=True):
            event(case, ChronologyKind.REFERRAL, case.referral.referred_at, "Referred by Family Connect", self.actor)
            event(case, ChronologyKind.OPENED, case.opened_at, "Case opened", case.opened_by)
            for worker, started, ended in life["allocs"]:
                allocations.append(
                    Allocation(
                        case=case,
                        worker=worker,
                        started_at=started,
                        ended_at=ended,
                        allocated_by=rng.choice(self.leaders),
                        reason="Allocated by the team leader",
                    )
                )
                alloc_dates.append(started)
                event(case, ChronologyKind.ALLOCATION, started, f"Allocated to {worker.get_full_name()}", self.actor)
            if not case.closed_at:
                worker = life["allocs"][-1][0]
                perms += [
                    CaseUserObjectPermission(user_id=worker.pk, permission_id=pid, content_object=case)
                    for pid in perm_ids
                ]

            def holder(at, allocs=life["allocs"]):
                for worker, started, ended in allocs:
                    if started <= at and (ended is None or at <= ended):
                        return worker
                return allocs[-1][0]

            for when in life["visits"]:
                by = holder(when)
                visits.append(
                    Visit(
                        case=case,
                        visited_at=when,
                        kind=self.weighted([(VisitKind.FACE_TO_FACE, 80), (VisitKind.PHONE, 15), (VisitKind.VIDEO, 5)]),
                        location=rng.choice(["Home", "School", "Youth centre", "Café in town"]),
                        seen_alone=rng.random() < 0.7,
                        notes="Talked about friends, school and staying safe.",
                        recorded_by=by,
                    )
                )
                event(case, ChronologyKind.VISIT, when, "Visit: child seen", by)
            for when, level in life["ras"]:
                by = holder(when)
                ras.append(
                    RiskAssessment(
                        case=case,
                        assessed_at=when,
                        author=by,
                        factors={
                            f: {
                                "level": rng.choice(FACTOR_LEVELS),
                                "evidence": "Seen in the worker's visits and partner information.",
                            }
                            for f in FACTORS
                        },
                        overall_level=level,
                        summary=f"Overall risk {RiskLevel(level).label}.",
                        young_person_views="Says they are fine and want to be left alone.",
                        family_views="Worried about late nights and new friends.",
                    )
                )
                event(case, ChronologyKind.RISK_ASSESSMENT, when, f"Risk assessment: {RiskLevel(level).label}", by)
            nrm_due = clock.add_working_days(case.opened_at, 5)
            referred_on = clock.local_date(nrm_due) if rng.random() < 0.7 and nrm_due < self.now else None
            nrms.append(
                NrmReferral(
                    case=case,
                    due_at=nrm_due,
                    referred_on=referred_on,
                    referred_by=life["allocs"][0][0] if referred_on else None,
                    reasonable_grounds=rng.choice([NrmDecision.POSITIVE, NrmDecision.PENDING]) if referred_on else "",
                )
            )
            if referred_on:
                event(case, ChronologyKind.NRM, nrm_due, "NRM referral made", life["allocs"][0][0])
            if rng.random() < 0.15:
                start = clock.local_date(case.opened_at) - dt.timedelta(days=rng.randint(0, 200))
                end = clock.local_date(case.closed_at) if case.closed_at else None
                statutory.append(
                    StatutoryEpisode(
                        child_id=case.child_id, kind=rng.choice(StatutoryKind.values), start=start, end=end
                    )
                )
            if case.closed_at:
                closures.append(
                    CaseClosure(
                        case=case,
                        status=ClosureStatus.APPROVED,
                        reason=case.closure_reason,
                        exit_plan=case.exit_plan,
                        step_down_destination=case.step_down_destination,
                        proposed_by=case.closure_proposed_by,
                        proposed_at=case.closure_proposed_at,
                        decided_by=case.closure_approved_by,
                        decided_at=case.closed_at,
                    )
                )
                event(case, ChronologyKind.CLOSURE, case.closed_at, "Case closed", case.closure_approved_by)
            life["holder"] = holder

        # Missing episodes: this chunk's share of the total, at random among its cases.
        total = len(self.case_plan)
        share = self.scale.missing * (offset + len(cases)) // total - self.scale.missing * offset // total
        chosen = [rng.randrange(len(cases)) for _ in range(share)]
        for index in chosen:
            case, life = cases[index], per_case[index]
            end = case.closed_at or self.now
            went = self.moment(case.opened_at, end - dt.timedelta(hours=1))
            returned = went + dt.timedelta(hours=rng.randint(3, 72))
            if returned > self.now - dt.timedelta(minutes=30):
                returned = None
            episodes.append((case, life, went, returned))
        episodes.sort(key=lambda e: (e[0].pk, e[2]))
        missing = []
        last_due: dict[int, dt.datetime] = {}
        for case, life, went, returned in episodes:
            due = s.due("return_home_interview", returned) if returned else None
            back_to_back = case.pk in last_due and went < last_due[case.pk]
            if due:
                last_due[case.pk] = due
            by = life["holder"](went)
            missing.append(
                MissingEpisode(
                    child_id=case.child_id,
                    case=case,
                    missing_from=went,
                    returned_at=returned,
                    reported_by=rng.choice(["Parent", "Carer", "Children's home", "School"]),
                    police_reference=f"WMP-{rng.randint(100000, 999999)}",
                    where_found=rng.choice(["", "Friend's house", "Town centre", "Another town"]) if returned else "",
                    rhi_due_at=due,
                    back_to_back=back_to_back,
                    recorded_by=by,
                )
            )
            event(case, ChronologyKind.MISSING, went, "Missing episode", by)
        missing = self.writer.insert(MissingEpisode, missing, [m.missing_from for m in missing])
        interviews = []
        life_of = {case.pk: life for case, life in zip(cases, per_case, strict=True)}
        for episode in missing:
            if episode.returned_at is None:
                continue
            by = life_of[episode.case_id]["holder"](episode.returned_at)
            since = self.now - episode.returned_at
            roll = rng.random()
            rhi = ReturnHomeInterview(episode=episode, offered_at=episode.returned_at + dt.timedelta(hours=2))
            if since < dt.timedelta(days=4) and roll < 0.6:
                rhi.status = RhiStatus.OFFERED
            elif roll < 0.87 or since < dt.timedelta(days=4):
                done = episode.returned_at + dt.timedelta(hours=rng.randint(4, 100))
                if done > self.now:
                    done = self.now - dt.timedelta(minutes=5)
                rhi.status, rhi.completed_at, rhi.conducted_by = RhiStatus.COMPLETED, done, by
                rhi.child_said = "Stayed with friends; would not say who else was there."
                if done > episode.rhi_due_at:
                    rhi.late_reason = (
                        RhiLateReason.BACK_TO_BACK if episode.back_to_back else RhiLateReason.CHILD_UNAVAILABLE
                    )
                event(episode.case, ChronologyKind.RETURN_HOME_INTERVIEW, done, "Return home interview held", by)
            elif roll < 0.97:
                declined = episode.returned_at + dt.timedelta(hours=rng.randint(4, 60))
                rhi.status, rhi.declined_at = RhiStatus.DECLINED, min(declined, self.now - dt.timedelta(minutes=5))
            else:
                rhi.status = RhiStatus.OFFERED
            interviews.append(rhi)
        self.writer.insert(ReturnHomeInterview, interviews, [i.offered_at for i in interviews])

        # Panel items, decisions, strategy meetings and actions.
        items, item_dates, item_meta = [], [], []
        for case, life in zip(cases, per_case, strict=True):
            for meeting_index, kind in life["items"]:
                meeting = self.meetings[meeting_index]
                self.meeting_positions[meeting.pk] += 1
                added = meeting.meets_at - dt.timedelta(days=7)
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        case=case,
                        kind=kind,
                        details="Review of risk and the plan.",
                        paper=f"Latest risk assessment: {RiskLevel(life['level']).label}.",
                        paper_taken_at=added,
                        position=self.meeting_positions[meeting.pk],
                        added_by=self.actor,
                        first_panel_due_at=(life["allocs"][0][1] + dt.timedelta(days=42))
                        if kind == ItemKind.FIRST_PANEL
                        else None,
                        review_due_on=clock.local_date(meeting.meets_at) if kind == ItemKind.REVIEW else None,
                    )
                )
                item_dates.append(added)
                item_meta.append((case, life, meeting))
        items = self.writer.insert(AgendaItem, items, item_dates)
        decisions, meta = [], []
        rag = s["rag_mapping"]
        for item, (case, life, meeting) in zip(items, item_meta, strict=True):
            if meeting.status != PanelStatus.CLOSED:
                continue
            level = self.weighted(RISK_WEIGHTS)
            decided = meeting.meets_at + dt.timedelta(minutes=10 * item.position % 170)
            decisions.append(
                PanelDecision(
                    item=item,
                    risk_level=level,
                    colour=RagColour(rag[RiskLevel(level)]),
                    rationale="The panel agreed the level on the information shared.",
                    next_review_on=clock.local_date(decided) + dt.timedelta(weeks=12),
                    decided_at=decided,
                    decided_by=meeting.chair,
                )
            )
            meta.append((case, life))
            event(case, ChronologyKind.PANEL, decided, f"Risk panel: {RiskLevel(level).label}", meeting.chair)
        decisions = self.writer.insert(PanelDecision, decisions, [d.decided_at for d in decisions])
        strategy, _s_meta, actions = [], [], []
        pending_strategy: set[int] = set()
        had_strategy: set[int] = set()
        for decision, (case, life) in zip(decisions, meta, strict=True):
            needs_meeting = decision.colour in (RagColour.RED, RagColour.AMBER) and case.pk not in pending_strategy
            due = clock.add_working_days(decision.decided_at, 5)
            held = due - dt.timedelta(days=rng.randint(0, 4))
            if needs_meeting and held >= (case.closed_at or self.now):
                held = None  # not held yet: the one strategy meeting due for the case (none once closed)
                needs_meeting = not case.closed_at
                if needs_meeting:
                    pending_strategy.add(case.pk)
            if needs_meeting:
                strategy.append(
                    StrategyMeeting(
                        case=case,
                        decision=decision,
                        is_review=case.pk in had_strategy,
                        due_at=due,
                        held_at=held,
                        attendees="Police, school, CATE worker, parent" if held else "",
                        discussion="Disruption and safety planning." if held else "",
                        recorded_by=life["holder"](held) if held else None,
                    )
                )
                had_strategy.add(case.pk)
                if held:
                    event(case, ChronologyKind.STRATEGY_MEETING, held, "Strategy meeting held", life["holder"](held))
            for _ in range(rng.choice([0, 1, 1, 2])):
                due_on = clock.local_date(decision.decided_at) + dt.timedelta(days=rng.randint(7, 42))
                done = due_on < clock.local_date(self.now) - dt.timedelta(days=3) and rng.random() < 0.92
                if case.closed_at and not done and clock.local_date(case.closed_at) > due_on:
                    done = True
                owner = rng.choice([*self.partners, life["holder"](decision.decided_at)])
                completed = None
                if done:
                    completed = dt.datetime.combine(due_on, dt.time(15), tzinfo=self.tz) - dt.timedelta(
                        days=rng.randint(0, 5)
                    )
                    completed = max(completed, decision.decided_at + dt.timedelta(hours=1))
                    if case.closed_at:
                        completed = min(completed, case.closed_at)
                actions.append(
                    Action(
                        case=case,
                        decision=decision,
                        description=rng.choice(
                            [
                                "Share the police intelligence with the school",
                                "Arrange a disruption visit to the address",
                                "Refer to CAMHS",
                                "Visit the child at home with a parent present",
                            ]
                        ),
                        owner_agency_id=owner.agency_id,
                        owner=owner,
                        due_on=due_on,
                        status=ActionStatus.DONE if done else ActionStatus.OPEN,
                        completed_at=completed,
                        completed_by=owner if done else None,
                        created_by=decision.decided_by,
                    )
                )
        self.writer.insert(StrategyMeeting, strategy, [sm.due_at - dt.timedelta(days=5) for sm in strategy])
        self.writer.insert(
            Action,
            actions,
            [dt.datetime.combine(a.due_on, dt.time(9), tzinfo=self.tz) - dt.timedelta(days=14) for a in actions],
        )
        self.writer.insert(Allocation, allocations, alloc_dates)
        CaseUserObjectPermission.objects.bulk_create(perms, batch_size=BATCH)
        self.writer.insert(Visit, visits, [v.visited_at for v in visits])
        self.writer.insert(RiskAssessment, ras, [r.assessed_at for r in ras])
        self.writer.insert(NrmReferral, nrms, [n.due_at for n in nrms])
        self.writer.insert(
            StatutoryEpisode, statutory, [dt.datetime.combine(e.start, dt.time(9), tzinfo=self.tz) for e in statutory]
        )
        self.writer.insert(CaseClosure, closures, [c.proposed_at for c in closures])
        chron.sort(key=lambda e: (e.case.pk, e.occurred_at))
        self.writer.insert(ChronologyEvent, chron, [e.occurred_at for e in chron])

    def _case_permission_ids(self) -> list[int]:
        if not hasattr(self, "_perm_ids"):
            self._perm_ids = list(
                Permission.objects.filter(
                    content_type__app_label="cate", codename__in=CASE_WORKER_OBJECT_PERMISSIONS
                ).values_list("pk", flat=True)
            )
        return self._perm_ids

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
        self.summary.seconds = time.monotonic() - began
        return self.summary


def generate(*, scale: str | Scale, seed: int, as_at: dt.date, stdout=None, force: bool = False) -> Summary:
    if isinstance(scale, str):
        scale = SCALES[scale]
    if not force and has_records():
        raise DatabaseNotEmpty("The database already has records.")
    return Generator(scale=scale, seed=seed, as_at=as_at, stdout=stdout).run()

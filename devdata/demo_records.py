"""Synthetic records from a "previous system": an import document built to reproduce the published
2023/24 figures of the Joint CSE Review Group annual report (seed 000; research §4.1 R-01 … R-17,
R-25, R-41; §4.3 fixture totals), with records just outside every definition beside them.

The tests rebuild the published figures from it; `manage.py seed_demo` imports it so the demo's
dashboards and annual report have records. Nothing here is a real person: children are
"Testchild <key>" and staff "Teststaff <key>".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
FY_START, FY_END = date(2023, 4, 1), date(2024, 3, 31)

# What the document is built to produce for 2023/24 (the published counts of 000).
PUBLISHED = {
    "contacts": 115,
    "contact_children": 94,
    "sources": {
        "police": 42,
        "council": 31,
        "schools_colleges": 21,
        "nhs": 6,
        "anonymous": 5,
        "individual": 6,
        "other_agencies": 4,
    },
    "outcomes": {"early_help": 47, "information_advice": 14, "cate_or_statutory": 54},
    "new_children": 34,
    "victim": 6,
    "at_risk": 28,
    "cohort": 80,
    "female": 71,
    "ethnicity": {"white_british": 65, "other_white": 5, "mixed": 6, "black": 3, "other": 1},
    "ehcp": 11,
    "sen_support": 31,
    "attendance": {"persistent_absence": 38, "severe_absence": 14, "satisfactory": 25},
    "statutory": 41,
    "missing_episodes": 25,
    "missing_children": 9,
    "rhi_in_time": 24,
    "case_holders": 12,
    "open_cases": 87,  # 87 / 12 = 7.25, published 7.3 (round half up)
}


def later(moment: datetime, **elapsed) -> datetime:
    """Elapsed time after a moment (Python adds a timedelta to a zoned time by the wall clock)."""
    return (moment.astimezone(UTC) + timedelta(**elapsed)).astimezone(LONDON)


def at(day: date, hour: int = 10, minute: int = 0) -> str:
    """A London wall-clock time on a day, written with its offset (+01:00 in summer time)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).isoformat()


def _spread(counts: dict[str, int]) -> list[str]:
    """Values interleaved (police, council, ... police, council, ...) so each is spread over the year."""
    pools = dict(counts)
    out: list[str] = []
    while any(pools.values()):
        for key in counts:
            if pools[key]:
                out.append(key)
                pools[key] -= 1
    return out


def build() -> dict:
    doc: dict[str, list] = {
        k: []
        for k in (
            "staff",
            "children",
            "contacts",
            "cases",
            "allocations",
            "statutory_episodes",
            "missing_episodes",
            "nrm_referrals",
        )
    }
    staff, children, contacts, cases, allocations = (
        doc["staff"],
        doc["children"],
        doc["contacts"],
        doc["cases"],
        doc["allocations"],
    )

    # --- Staff: 10 CATE workers, a social worker and a team leader hold cases (000:L333-336). ---
    def person(key, role, *, holder=True, active_from="2020-01-06", active_to=None):
        staff.append(
            {
                "key": key,
                "username": f"teststaff.{key.lower()}",
                "name": f"Teststaff {key}",
                "role": role,
                "case_holder": holder,
                "active_from": active_from,
                "active_to": active_to,
            }
        )

    holders = [f"W{n:02d}" for n in range(1, 11)] + ["SW1", "TL1"]
    for key in holders[:10]:
        person(key, "cate_worker")
    person("SW1", "social_worker")
    person("TL1", "team_leader")
    person("GM1", "group_manager", holder=False)
    person("W00", "cate_worker", active_from="2019-01-07", active_to="2024-03-30")  # left the day before
    person("W11", "cate_worker", active_from="2024-04-01")  # starts the day after
    person("SC1", "screener", holder=False)

    def child(key, *, dob=date(2009, 1, 15), gender="female", ethnicity="WBRI", send="none", receiving=True,
              attendance=95):  # fmt: skip
        children.append(
            {
                "key": key,
                "first_name": "Testchild",
                "last_name": key,
                "date_of_birth": dob.isoformat() if dob else None,
                "gender": gender,
                "ethnicity": ethnicity,
                "send": send,
                "receiving_education": receiving,
                "attendance_percent": attendance,
            }
        )

    # --- The cohort: 80 children open to CATE for CSE during the year (R-10 … R-17). ---
    cohort = [f"P{n:02d}" for n in range(80)]
    males = {3, 12, 25, 33, 41, 50, 58, 66, 77}
    ethnicity = ["WBRI"] * 80
    for index, code in zip(
        (4, 9, 14, 19, 24, 29, 34, 39, 44, 49, 54, 59, 64, 69, 74),
        ("WIRI", "WIRT", "WOTH", "WOTH", "WROM", "MWBC", "MWBC", "MWBA", "MWAS", "MWAS", "MOTH", "BCRB", "BAFR",
         "BOTH", "OOTH"),
        strict=True,
    ):  # fmt: skip
        ethnicity[index] = code
    send = ["ehcp"] * 11 + ["sen_support"] * 31 + ["none"] * 35 + ["not_known"] * 3
    # Attendance: 25 satisfactory, 38 persistent, 14 severe, 3 not known; the band edges included.
    attendance: list[tuple[bool | None, float | None]] = (
        [(True, 90.01)] + [(True, 96.5)] * 24
        + [(True, 90)] + [(True, 50.01)] + [(True, 75)] * 36
        + [(True, 50)] + [(True, 20)] * 13
        + [(None, None), (None, None), (True, None)]
    )  # fmt: skip
    # Ages on 31 March 2024 averaging exactly 15 (1200 years over 80 children).
    ages = [12] * 3 + [13] * 9 + [14] * 15 + [15] * 24 + [16] * 18 + [17] * 9 + [18] * 2
    ages_order = [ages[(i * 37) % 80] for i in range(80)]  # 37 is coprime with 80: a permutation
    for i, key in enumerate(cohort):
        dob = date(2024 - ages_order[i], 1 + i % 3, 1 + i % 28)
        child(
            key,
            dob=dob,
            gender="male" if i in males else "female",
            ethnicity=ethnicity[i],
            send=send[(i * 7) % 80],
            receiving=attendance[(i * 11) % 80][0],
            attendance=attendance[(i * 11) % 80][1],
        )
    # A 15-year-old whose birthday is the period's last day, and a 14-year-old turning 15 the day after.
    fifteen = next(i for i in range(80) if ages_order[i] == 15)
    fourteen = next(i for i in range(80) if ages_order[i] == 14)
    children[fifteen]["date_of_birth"] = "2009-03-31"
    children[fourteen]["date_of_birth"] = "2009-04-01"

    # --- Other children ---
    statutory_only = [f"S{n}" for n in range(4)]  # new cases opened to statutory safeguarding only
    not_opened = [f"N{n}" for n in range(8)]  # referred to CATE/statutory, not opened
    early_help = [f"E{n:02d}" for n in range(52)]  # early help or information and advice
    cce = [f"C{n:02d}" for n in range(24)]  # CATE cases for criminal exploitation only
    for key in statutory_only + not_opened + early_help + cce + ["X", "Y", "Z"]:
        child(key, dob=date(2008, 6, 1), gender="male" if key.startswith("C") else "female")

    # --- Cases and allocations ---
    worker_cycle = iter([holders[i % 12] for i in range(1000)])

    def case(key, who, opened, *, closed=None, types=("cse",), classification="at_risk", open_to="cate",
             contact=None, worker=True, history=()):  # fmt: skip
        cases.append(
            {
                "key": key,
                "child": who,
                "contact": contact,
                "opened_at": opened.isoformat(),
                "closed_at": closed.isoformat() if closed else None,
                "exploitation_types": list(types),
                "classification": classification,
                "open_to": open_to,
            }
        )
        start = opened
        for previous, until in history:
            allocations.append({"case": key, "worker": previous, "from": start.isoformat(), "to": until.isoformat()})
            start = until
        if worker:
            allocations.append(
                {
                    "case": key,
                    "worker": next(worker_cycle) if worker is True else worker,
                    "from": start.isoformat(),
                    "to": closed.isoformat() if closed else None,
                }
            )

    # 30 cohort children opened in the year (the first on 1 April, one on 31 March).
    new_openings = [FY_START + timedelta(days=12 * i) for i in range(30)]
    new_openings[28] = FY_END
    sources = iter(_spread(PUBLISHED["sources"]))

    def contact(key, who, received: str, outcome, *, decided: str | None = None, cse=True, enquiry=False,
                source=None):  # fmt: skip
        contacts.append(
            {
                "key": key,
                "child": who,
                "received_at": received,
                "source": source or next(sources),
                "cse_concern": cse,
                "enquiry_on_open_case": enquiry,
                "outcome": outcome,
                "decided_at": decided or (received if outcome else None),
            }
        )

    for i in range(30):
        opened = new_openings[i]
        received = at(FY_START, 0, 30) if i == 0 else at(opened - timedelta(days=3), 11)
        decided = at(FY_START, 15) if i == 0 else received  # the first received 00:30 on 1 April, summer time
        contact(f"K-P{i:02d}", cohort[i], received, "cate_or_statutory", decided=decided)
        classification = "victim" if i < 5 else "at_risk"
        if i == 27:
            case(f"CASE-P{i:02d}", cohort[i], opened, closed=opened + timedelta(days=20), contact=f"K-P{i:02d}",
                 classification=classification)  # fmt: skip
        elif i == 29:
            # Two cases in the year: the earliest decides (at risk), not the later (victim).
            case(f"CASE-P{i:02d}a", cohort[i], opened - timedelta(days=200), closed=opened - timedelta(days=100),
                 classification="at_risk")  # fmt: skip
            case(f"CASE-P{i:02d}b", cohort[i], opened, contact=f"K-P{i:02d}", classification="victim")
        else:
            case(f"CASE-P{i:02d}", cohort[i], opened, contact=f"K-P{i:02d}", classification=classification,
                 open_to="both" if i < 10 else "cate")  # fmt: skip
    # 4 new children opened to statutory safeguarding only (new, not in the CATE cohort).
    for n, key in enumerate(statutory_only):
        opened = date(2023, 6, 1) + timedelta(days=60 * n)
        contact(f"K-{key}", key, at(opened - timedelta(days=2)), "cate_or_statutory")
        case(f"CASE-{key}", key, opened, closed=opened + timedelta(days=90), open_to="statutory",
             classification="victim" if n == 0 else "at_risk", worker=False)  # fmt: skip

    # 50 cohort children opened before the year (one on 31 March 2023); 14 closed during it.
    older_openings = [date(2021, 6, 1) + timedelta(days=13 * k) for k in range(49)] + [date(2023, 3, 31)]
    older_closures = {0: FY_START, 1: FY_END} | {k: date(2023, 5, 1) + timedelta(days=25 * k) for k in range(2, 14)}
    for k in range(50):
        i = 30 + k
        opened = older_openings[k]
        history = [("W00", date(2023, 1, 16))] if k % 5 == 0 and opened < date(2023, 1, 16) else []
        case(f"CASE-P{i:02d}", cohort[i], opened, closed=older_closures.get(k), history=history)

    # Repeat contacts: 12 more referrals to CATE/statutory about children opened in the year.
    for i in range(5, 17):
        contact(f"K-P{i:02d}-again", cohort[i], at(new_openings[i] - timedelta(days=9), 14), "cate_or_statutory")
    # 8 children referred to CATE/statutory but not opened.
    for n, key in enumerate(not_opened):
        contact(f"K-{key}", key, at(date(2023, 5, 2) + timedelta(days=40 * n)), "cate_or_statutory")
    # 61 early-help or information-and-advice contacts about 52 children (9 of them twice).
    outcome_list = ["early_help"] * 47 + ["information_advice"] * 14
    early_keys = early_help + early_help[:9]
    for n, key in enumerate(early_keys):
        received = at(FY_START + timedelta(days=(n * 6) % 365), 9 + n % 8)
        if n == 60:
            received = at(FY_END, 23, 30)  # 23:30 on 31 March 2024, British Summer Time: still in the year
        contact(f"K-{key}-{n}", key, received, outcome_list[n])
    assert next(sources, None) is None  # every published source used

    # Contacts outside the definition.
    contact("K-out-before", "E00", at(date(2023, 3, 31), 23, 30), "early_help", source="police")
    contact("K-out-after", "E01", at(date(2024, 4, 1), 0, 30), "early_help", source="police")
    contact("K-cce-1", "C00", at(date(2023, 7, 4)), "early_help", cse=False, source="police")
    contact("K-cce-2", "C01", at(date(2023, 8, 4)), "information_advice", cse=False, source="council")
    for n, i in enumerate((40, 50, 60)):
        contact(f"K-enquiry-{n}", cohort[i], at(date(2023, 9, 4) + timedelta(days=n)), "information_advice",
                enquiry=True, source="council")  # fmt: skip

    # Cases outside the cohort: closed the day before the year; opened the day after; statutory only.
    case("CASE-X", "X", date(2022, 5, 3), closed=date(2023, 3, 31))
    case("CASE-Y", "Y", date(2024, 4, 1), worker="W11")
    case("CASE-Z", "Z", date(2022, 2, 1), open_to="statutory", worker=False)

    # Criminal exploitation cases: all cases count in caseloads (000:L340).
    for n, key in enumerate(cce):
        opened = date(2022, 9, 1) + timedelta(days=15 * n)
        if n == 22:  # held by a worker who left the day before 31 March 2024
            case(f"CASE-{key}", key, opened, types=("cce",), classification=None, worker="W00")
        elif n == 23:  # handed over on 31 March, the new worker from 1 April: nobody holds it that night
            allocations.append({"case": f"CASE-{key}", "worker": "W01", "from": opened.isoformat(), "to": "2024-03-31"})
            allocations.append({"case": f"CASE-{key}", "worker": "W02", "from": "2024-04-01", "to": None})
            case(f"CASE-{key}", key, opened, types=("cce",), classification=None, worker=False)
        else:
            case(f"CASE-{key}", key, opened, types=("cce", "other"), classification=None)

    # --- Statutory safeguarding: 41 of the cohort open to it during the year. ---
    statutory = [i for i in range(80) if i % 2 == 0] + [1]
    for n, i in enumerate(statutory):
        start, end = date(2022, 10, 1) + timedelta(days=7 * n), None
        if n == 0:
            start, end = date(2022, 4, 1), FY_START  # ended on the year's first day
        elif n == 1:
            start = FY_END  # started on its last day
        doc["statutory_episodes"].append({"child": cohort[i], "kind": ("cin", "cp", "cic")[n % 3],
                                          "start": start.isoformat(), "end": end and end.isoformat()})  # fmt: skip
    doc["statutory_episodes"].append({"child": cohort[2], "kind": "cin", "start": "2021-01-04", "end": "2021-09-30"})
    doc["statutory_episodes"].append({"child": cohort[3], "kind": "cp", "start": "2022-01-04", "end": "2023-03-31"})
    doc["statutory_episodes"].append({"child": cohort[5], "kind": "cic", "start": "2024-04-01", "end": None})

    # --- Missing episodes: 25 returns in the year for 9 children; all interviewed, 24 within 72 hours. ---
    missing = doc["missing_episodes"]
    spread = {1: 5, 2: 4, 7: 3, 30: 3, 31: 2, 40: 2, 45: 2, 60: 2, 70: 2}

    def episode(key, who, went: datetime, back: datetime | None, interview: datetime | None, eligible=True):
        missing.append(
            {
                "key": key,
                "child": who,
                "missing_from": went.isoformat(),
                "returned_at": back.isoformat() if back else None,
                "rhi_eligible": eligible,
                "rhi_completed_at": interview.isoformat() if interview else None,
            }
        )

    n = 0
    for i, count in spread.items():
        for j in range(count):
            back = datetime.combine(date(2023, 4, 20) + timedelta(days=14 * n), time(19, 0), tzinfo=LONDON)
            interview = later(back, hours=48)
            if n == 0:  # returned 00:15 on 1 April (British Summer Time): in the year
                back = datetime.combine(FY_START, time(0, 15), tzinfo=LONDON)
                interview = later(back, hours=30)
            elif n == 1:  # interviewed exactly 72 hours after the return: in time
                interview = later(back, hours=72)
            elif n == 2:  # returned before the clocks went back; 72 elapsed hours is 71 on the wall clock
                back = datetime(2023, 10, 28, 20, 0, tzinfo=LONDON)
                interview = datetime(2023, 10, 31, 19, 0, tzinfo=LONDON)
            elif n == 3:  # one minute late
                interview = later(back, hours=72, minutes=1)
            episode(f"M-{cohort[i]}-{j}", cohort[i], later(back, hours=-20), back, interview)
            n += 1
    # Episodes outside the definition: returned the evening before the year, still missing, returned
    # the night after it, and a child outside the cohort.
    night_before = datetime(2023, 3, 31, 23, 0, tzinfo=LONDON)
    episode("M-out-1", cohort[1], night_before - timedelta(hours=5), night_before, night_before + timedelta(hours=20))
    episode("M-out-2", cohort[2], datetime(2024, 3, 30, 22, 0, tzinfo=LONDON), None, None)
    night_after = datetime(2024, 4, 1, 0, 30, tzinfo=LONDON)
    episode("M-out-3", cohort[70], night_after - timedelta(hours=8), night_after, night_after + timedelta(hours=4))
    episode("M-out-4", "E05", datetime(2023, 6, 1, 18, 0, tzinfo=LONDON), datetime(2023, 6, 2, 9, 0, tzinfo=LONDON),
            None)  # fmt: skip

    # --- NRM referrals: 60 from January 2023 to June 2024, 41 of them in 2023/24. ---
    for j in range(60):
        referred = date(2023, 1, 1) + timedelta(days=9 * j)
        doc["nrm_referrals"].append({"case": f"CASE-P{30 + j % 40:02d}", "referred_on": referred.isoformat()})
    return doc

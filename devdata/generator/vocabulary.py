"""The generator's scales and the vocabulary records are drawn from (names, schools, postcodes, weights)."""

from __future__ import annotations

from dataclasses import dataclass

from cate.choices import RiskLevel
from contacts.choices import ExploitationFactor, FactorLevel
from core.roles import Role

BATCH = 2000
YEARS = 10
REASON = "Generated data"
GENERATED_PASSWORD = "cate-generated-2026"  # noqa: S105 - generated accounts, never under production


# The exploitation network's records per generated child (devdata/generator/network.py).
PERSONS_PER_CHILD = 0.3
PLACES_PER_CHILD = 0.5
VEHICLES_PER_CHILD = 0.05
IDENTIFIERS_PER_CHILD = 0.15
CHILDREN_PER_PEER_GROUP = 60


@dataclass(frozen=True)
class Scale:
    children: int
    contacts: int
    cases: int
    missing: int
    staff: int

    @property
    def persons(self) -> int:
        return round(self.children * PERSONS_PER_CHILD)

    @property
    def places(self) -> int:
        return round(self.children * PLACES_PER_CHILD)

    @property
    def vehicles(self) -> int:
        return round(self.children * VEHICLES_PER_CHILD)

    @property
    def identifiers(self) -> int:
        return round(self.children * IDENTIFIERS_PER_CHILD)

    @property
    def peer_groups(self) -> int:
        return max(1, self.children // CHILDREN_PER_PEER_GROUP)


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
    (Role.PARTNER, 0.35),
    (Role.INTELLIGENCE_REVIEWER, 0.01),
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
# Street names and nicknames persons of concern are known by (and handles are made of).
NICKNAMES = [
    "Dee",
    "Big Man",
    "Smokey",
    "Ghost",
    "Kay",
    "Jay",
    "Little T",
    "Uncle",
    "Bossman",
    "Skinny",
    "Red",
    "Tiny",
    "Ace",
    "Blade",
    "Chops",
    "Mo",
    "Scrappy",
    "Taz",
    "Zee",
    "Rico",
    "Nana",
    "Sis",
    "Prince",
    "Benji",
]
VEHICLE_MODELS = [
    ("Ford", "Fiesta"),
    ("Ford", "Focus"),
    ("Vauxhall", "Corsa"),
    ("Vauxhall", "Astra"),
    ("Volkswagen", "Golf"),
    ("Volkswagen", "Polo"),
    ("BMW", "3 Series"),
    ("Audi", "A3"),
    ("Mercedes-Benz", "C-Class"),
    ("Toyota", "Prius"),
    ("Toyota", "Auris"),
    ("Skoda", "Octavia"),
    ("Kia", "Sportage"),
    ("Nissan", "Qashqai"),
    ("Peugeot", "208"),
]

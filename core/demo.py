"""Demo organisation and one account per role, for the local run and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import audit
from .choices import AgencyKind
from .models import Agency, Team
from .roles import Role, sync_roles

AGENCIES = [
    ("Children's Services", AgencyKind.COUNCIL),
    ("Police", AgencyKind.POLICE),
    ("Health", AgencyKind.HEALTH),
    ("Education", AgencyKind.EDUCATION),
    ("Youth Justice", AgencyKind.YOUTH_JUSTICE),
    ("Probation", AgencyKind.PROBATION),
    ("Housing", AgencyKind.HOUSING),
    ("Licensing", AgencyKind.LICENSING),
    ("Transport", AgencyKind.TRANSPORT),
    ("Youth services", AgencyKind.YOUTH_SERVICES),
    ("Adult Social Care", AgencyKind.ADULT_SOCIAL_CARE),
    ("Voluntary sector", AgencyKind.VOLUNTARY),
]
TEAMS = [
    ("Family Connect", "Children's Services"),
    ("CATE team", "Children's Services"),
    ("Quality assurance", "Children's Services"),
    ("Systems support", "Children's Services"),
    ("Police MASH team", "Police"),
    ("Health MASH team", "Health"),
    ("Education safeguarding", "Education"),
    ("Licensing enforcement", "Licensing"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    label: str
    agency: str
    team: str | None


DEMO_USERS = [
    DemoUser("advisor", Role.ADVISOR, "Family Connect advisor", "Children's Services", "Family Connect"),
    DemoUser("screener", Role.SCREENER, "Family Connect screener", "Children's Services", "Family Connect"),
    DemoUser("fcmanager", Role.FC_MANAGER, "Family Connect manager", "Children's Services", "Family Connect"),
    DemoUser("police", Role.PARTNER, "Police practitioner", "Police", "Police MASH team"),
    DemoUser("health", Role.PARTNER, "Health practitioner", "Health", "Health MASH team"),
    DemoUser("licensing", Role.PARTNER, "Licensing officer", "Licensing", "Licensing enforcement"),
    DemoUser("cateworker1", Role.CATE_WORKER, "CATE worker 1", "Children's Services", "CATE team"),
    DemoUser("cateworker2", Role.CATE_WORKER, "CATE worker 2", "Children's Services", "CATE team"),
    DemoUser("teamleader", Role.TEAM_LEADER, "CATE team leader", "Children's Services", "CATE team"),
    DemoUser("manager", Role.GROUP_MANAGER, "Group manager", "Children's Services", None),
    DemoUser("panelmember", Role.PANEL_MEMBER, "Panel member", "Education", "Education safeguarding"),
    DemoUser("auditor", Role.AUDITOR, "Auditor", "Children's Services", "Quality assurance"),
    DemoUser("admin", Role.ADMINISTRATOR, "Administrator", "Children's Services", "Systems support"),
]


@transaction.atomic
def seed_organisation(*, password: str) -> list[DemoUser]:
    """Create (or bring back in line) the demo agencies, teams and users. Idempotent."""
    sync_roles()
    actor = audit.system_user()
    reason = "Demo data"
    agencies = {}
    for name, kind in AGENCIES:
        agency = Agency.objects.filter(name=name).first()
        if agency is None:
            agency = audit.save(Agency(name=name, kind=kind), actor=actor, reason=reason)
        agencies[name] = agency
    teams = {}
    for name, agency_name in TEAMS:
        team = Team.objects.filter(name=name, agency=agencies[agency_name]).first()
        if team is None:
            team = audit.save(Team(name=name, agency=agencies[agency_name]), actor=actor, reason=reason)
        teams[name] = team
    User = get_user_model()
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        user.first_name, user.last_name = spec.label, "(demo)"
        user.email = f"{spec.username}@cate-demo.invalid"
        user.agency = agencies[spec.agency]
        user.team = teams[spec.team] if spec.team else None
        user.is_staff = spec.role == Role.ADMINISTRATOR
        user.is_active = True
        user.set_password(password)
        audit.save(user, actor=actor, reason=reason, clean=False)
        user.groups.set([Group.objects.get(name=spec.role.label)])
    return DEMO_USERS

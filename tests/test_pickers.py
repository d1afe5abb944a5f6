"""Pickers of people who can hold the work (allocation, assessment author, return home interview,
action owners, panel chairs and members, restriction lists) offer only active people in the right
role who can sign in: never django-guardian's AnonymousUser, the administrator, the auditor, the
system account, or accounts that cannot sign in."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from guardian.utils import get_anonymous_user

from cate import services as cate_services
from core.audit import system_user
from core.roles import Role
from riskpanel import services as riskpanel_services
from tests.factories import AgencyFactory, MissingEpisodeFactory, UserFactory, allocated_case, referral_from_contact

pytestmark = pytest.mark.django_db

ABLE = {
    "worker": ("Able Worker", Role.CATE_WORKER),
    "leader": ("Able Leader", Role.TEAM_LEADER),
    "member": ("Able Member", Role.PANEL_MEMBER),
    "partner": ("Able Partner", Role.PARTNER),
    "advisor": ("Able Advisor", Role.ADVISOR),
    "fc_manager": ("Able Frontdoormanager", Role.FC_MANAGER),
}


@pytest.fixture
def people(personas):
    police = AgencyFactory(name="Police")
    able = {
        key: UserFactory(role=role, first_name=name, last_name="", **({"agency": police} if key == "partner" else {}))
        for key, (name, role) in ABLE.items()
    }
    today = timezone.localdate()
    unable = [
        UserFactory(role=Role.CATE_WORKER, first_name="Gone Inactive", last_name="", is_active=False),
        UserFactory(role=Role.CATE_WORKER, first_name="Gone Nopassword", last_name=""),
        UserFactory(role=Role.CATE_WORKER, first_name="Gone Leaver", active_to=today - dt.timedelta(days=1)),
        UserFactory(role=Role.CATE_WORKER, first_name="Gone Starter", active_from=today + dt.timedelta(days=7)),
        UserFactory(role=Role.ADMINISTRATOR, first_name="Gone Administrator", last_name="", is_superuser=True),
        UserFactory(role=Role.AUDITOR, first_name="Gone Auditor", last_name=""),
        UserFactory(role=Role.TEAM_LEADER, first_name="Gone Superuser", last_name="", is_superuser=True),
    ]
    unable[1].set_unusable_password()
    unable[1].save(update_fields=["password"])
    both = UserFactory(role=Role.CATE_WORKER, first_name="Gone Auditing", last_name="")
    both.groups.add(*UserFactory(role=Role.AUDITOR).groups.all())
    unable += [both, get_anonymous_user(), system_user()]
    return {"able": able, "unable": unable, "leader": personas["team_leader"], "manager": personas["group_manager"]}


def offered(html: str, field: str) -> str:
    """The part of a page holding the choices of one form field (a select or a set of inputs)."""
    start = html.index(f'name="{field}"') if f'name="{field}"' in html else html.index(f'id="id_{field}"')
    end = html.find("</fieldset>", start)
    select_end = html.find("</select>", start)
    if select_end != -1 and (end == -1 or select_end < end):
        end = select_end
    return html[start:end]


def check(html: str, field: str, people, expected: set[str]) -> None:
    choices = offered(html, field)
    for key, (name, _role) in ABLE.items():
        assert (name in choices) == (key in expected), f"{name} offered in {field}: {name in choices}"
    for user in people["unable"]:
        label = user.get_full_name() or user.username
        assert label not in choices, f"{label} is offered in {field}"


def test_allocation_offers_case_holders_who_can_sign_in(people, client_for):
    leader = people["leader"]
    case = allocated_case(leader, people["able"]["worker"])
    html = client_for(people["leader"]).get(reverse("cate:case_allocate", args=[case.pk])).content.decode()
    check(html, "worker", people, {"worker", "leader"})


def test_the_assessment_author_picker_offers_case_holders_who_can_sign_in(people, client_for, personas):
    screener = personas["screener"]
    referral = referral_from_contact(screener)
    html = client_for(people["leader"]).get(reverse("cate:assessment_start", args=[referral.pk])).content.decode()
    check(html, "author", people, {"worker", "leader"})


def test_the_return_home_interview_picker_offers_case_holders_who_can_sign_in(people, client_for):
    leader = people["leader"]
    case = allocated_case(leader, people["able"]["worker"])
    episode = MissingEpisodeFactory(case=case, returned_at=timezone.now() - dt.timedelta(hours=2))
    url = reverse("cate:rhi_edit", args=[case.pk, episode.pk])
    html = client_for(people["leader"]).get(url).content.decode()
    check(html, "conducted_by", people, {"worker", "leader"})


def test_action_owners_are_people_who_can_sign_in_and_own_actions(people, client_for):
    leader = people["leader"]
    case = allocated_case(leader, people["able"]["worker"])
    html = client_for(people["leader"]).get(reverse("riskpanel:case_action_add", args=[case.pk])).content.decode()
    check(html, "owner", people, {"worker", "leader", "member", "partner"})
    assert "AnonymousUser" not in html


def test_panel_chairs_and_members_can_sign_in(people, client_for):
    html = client_for(people["leader"]).get(reverse("riskpanel:panel_schedule")).content.decode()
    check(html, "chair", people, {"leader"})
    check(html, "members", people, {"member"})


def test_restriction_lists_offer_people_who_work_with_childrens_records(people, client_for):
    from tests.factories import ChildFactory

    child = ChildFactory()
    html = client_for(people["manager"]).get(reverse("contacts:child_restriction", args=[child.pk])).content.decode()
    check(html, "staff", people, {"worker", "leader", "advisor", "fc_manager"})


def test_services_refuse_people_who_cannot_hold_the_work(people):
    leader = people["leader"]
    case = allocated_case(leader, people["able"]["worker"])
    cannot_sign_in = people["unable"][1]
    with pytest.raises(ValidationError, match="can sign in"):
        cate_services.case_allocate(case=case, worker=cannot_sign_in, actor=leader, reason="")
    agency = people["able"]["worker"].agency
    with pytest.raises(ValidationError, match="cannot own actions here"):
        riskpanel_services.action_create(
            actor=leader,
            case=case,
            description="Visit the school",
            owner_agency=agency,
            owner=get_anonymous_user(),
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
    administrator = people["unable"][4]
    with pytest.raises(ValidationError, match="cannot chair"):
        riskpanel_services.panel_schedule(
            actor=leader, first_meets_at=timezone.now() + dt.timedelta(days=3), chair=administrator
        )

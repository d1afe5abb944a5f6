"""Single sign-on in a real browser: the sign-in page offers the council's provider, the person
signs in at the provider (oidc-provider-mock, its own process), comes back signed in with the roles
their groups give, and signs out at both. A person in no mapped group is told why on the sign-in
page. axe-core checks the service's pages on the way."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core import sso
from core.choices import AgencyKind
from core.models import User
from core.roles import Role
from tests.factories import AgencyFactory, UserFactory
from tests.oidc_provider import ProviderProcess

from .conftest import axe_check


@pytest.fixture
def provider(tmp_path):
    process = ProviderProcess(tmp_path).start()
    yield process
    process.stop()


@pytest.fixture
def council(settings, provider, transactional_db):
    settings.OIDC_PROVIDERS = {
        "council": {
            "label": "Council account",
            "issuer": provider.url,
            "client_id": "cate-pathway-e2e",
            "client_secret": "e2e-secret",
            "agency": "Children's Services",
        }
    }
    AgencyFactory(name="Children's Services", kind=AgencyKind.COUNCIL)
    administrator = UserFactory(username="admin-e2e", role=Role.ADMINISTRATOR)
    manager = UserFactory(username="gm-e2e", role=Role.GROUP_MANAGER)
    change = sso.group_mapping_propose(
        provider_key="council",
        action="add",
        group="grp-leaders",
        role=Group.objects.get(name=Role.TEAM_LEADER.label),
        reason="CATE team leaders",
        actor=administrator,
    )
    sso.group_mapping_decide(change=change, approve=True, reason="", actor=manager)
    return provider


def _sign_in_at_provider(page, sub: str) -> None:
    page.goto("/sign-in/")
    axe_check(page)
    page.get_by_role("button", name="Continue with Council account").click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_sign_in_and_out_through_the_provider(page, council):
    council.set_user(
        "leader-sub", email="leader@council.example", preferred_username="leader", groups=["grp-leaders"], amr=["mfa"]
    )
    _sign_in_at_provider(page, "leader-sub")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_check(page)
    user = User.objects.get(username="leader")
    assert set(user.groups.values_list("name", flat=True)) == {Role.TEAM_LEADER.label}

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*"))
    page.get_by_role("button", name="End session").click()  # the provider asks to confirm
    page.wait_for_url(re.compile(r".*/sign-in/.*"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to")
    page.goto("/")
    expect(page).to_have_url(re.compile(r".*/sign-in/\?next=/$"))


def test_a_person_in_no_mapped_group_is_told_why(page, council):
    council.set_user("finance-sub", email="f@council.example", groups=["grp-finance"], amr=["mfa"])
    _sign_in_at_provider(page, "finance-sub")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("not in any group")
    axe_check(page)
    assert not User.objects.filter(email="f@council.example").exists()

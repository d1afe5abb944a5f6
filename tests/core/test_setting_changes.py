"""Settings show their change history: who changed what, when and why, on every settings page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import services
from core.clock import Duration, Unit
from core.roles import Role
from core.timescales import Frequency

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user(Role.GROUP_MANAGER, first_name="Gwen", last_name="Manager")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_settings_page_shows_who_changed_what_when_and_why(manager, make_user, client_for):
    services.setting_update(key="caseload_limit", value=12, actor=manager, reason="More workers from April")
    services.setting_update(
        key="visit_frequency_high", value=Frequency(3, 7), actor=manager, reason="Panel asked for more"
    )
    leader = make_user(Role.TEAM_LEADER, first_name="Lee", last_name="Leader")
    text = _text(client_for(leader).get(reverse("core:settings")))
    assert "Latest changes" in text
    # Newest first, each with its value in words, the person, the reason.
    frequency = text.index("3 times a week Gwen Manager Panel asked for more")
    limit = text.index("12 Gwen Manager More workers from April")
    assert frequency < limit
    assert "Every change to the settings" in text


def test_the_setting_page_and_the_full_history_list_every_change_of_one_setting(manager, client_for):
    for value, reason in ((12, "first"), (14, "second"), (11, "third")):
        services.setting_update(key="caseload_limit", value=value, actor=manager, reason=reason)
    services.setting_update(
        key="first_panel", value=Duration(35, Unit.CALENDAR_DAYS), actor=manager, reason="sooner panels"
    )
    client = client_for(manager)
    edit = _text(client.get(reverse("core:setting_edit", args=["caseload_limit"])))
    assert (
        edit.index("11 Gwen Manager third") < edit.index("14 Gwen Manager second") < edit.index("12 Gwen Manager first")
    )
    assert "sooner panels" not in edit

    one = _text(client.get(reverse("core:setting_changes") + "?key=caseload_limit"))
    assert "third" in one and "first" in one and "sooner panels" not in one
    every = _text(client.get(reverse("core:setting_changes")))
    assert "35 calendar days" in every and "sooner panels" in every and "third" in every


def test_a_rag_mapping_change_is_shown_in_words(manager, client_for):
    mapping = {"high": "red", "medium_high": "red", "medium": "amber", "low_medium": "green", "low": "green"}
    services.setting_update(key="rag_mapping", value=mapping, actor=manager, reason="Medium-High is red here")
    text = _text(client_for(manager).get(reverse("core:setting_changes")))
    assert "Medium-High: Red" in text and "Medium: Amber" in text


def test_an_unchanged_setting_says_so_and_an_unknown_one_is_404(manager, client_for):
    client = client_for(manager)
    assert "No setting has been changed" in _text(client.get(reverse("core:settings")))
    assert "has not been changed" in _text(client.get(reverse("core:setting_changes") + "?key=caseload_limit"))
    assert client.get(reverse("core:setting_changes") + "?key=no_such_setting").status_code == 404


def test_a_worker_may_not_read_the_history(make_user, client_for):
    assert client_for(make_user(Role.CATE_WORKER)).get(reverse("core:setting_changes")).status_code == 403


@pytest.mark.parametrize("url", [reverse("core:settings"), reverse("core:setting_changes")])
def test_the_history_is_read_with_a_constant_number_of_queries(manager, make_user, client_for, url):
    client = client_for(manager)
    services.setting_update(key="caseload_limit", value=12, actor=manager, reason="one")
    client.get(url)  # the first request of a session reads more (the session, the second factor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(30):
        other = make_user(Role.GROUP_MANAGER)
        services.setting_update(key="caseload_limit", value=13 + n % 2, actor=other, reason=f"change {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)


def test_a_visit_frequency_with_both_numbers_out_of_range_names_both_at_once(manager):
    with pytest.raises(ValidationError) as exc:
        services.setting_update(
            key="visit_frequency_high", value=Frequency(visits=0, per_days=400), actor=manager, reason="x"
        )
    assert set(exc.value.message_dict) == {"visits", "per_days"}

"""No lost updates: two people open the same record, both change it, A saves first. B's save is
refused with the GOV.UK error summary naming what changed, B's typing is still on the form, the
record holds A's values and its history has A's change only.

One parametrised test runs over every edit page; `test_every_page_is_classified` fails when a new
URL appears that is neither covered here nor listed with the reason it needs no version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cate.models import ReturnHomeInterview
from core.models import ServiceSetting
from riskpanel import services as panel_services
from riskpanel.models import PanelDecision, PanelMinutes
from tests.factories import approve_closure, propose_closure
from tests.world import World, build_world, url_patterns

from .forms import error_summary, field_names, form_data, post_form

STALE = "Someone else changed this record while you were editing it"
NAMED = "Changed since you opened it:"
A_TEXT = "Alice saved this first"
B_TEXT = "Bob typed this <b>second</b>"


def _date(name: str, day: dt.date) -> dict:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _today(days: int = 0) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@dataclass
class Edit:
    persona: str
    url: Callable[[World], str]
    record: Callable[[World], Any]
    a: dict
    b: dict
    holds_a: Callable[[Any], bool]
    kept: str = B_TEXT
    persona_b: str | None = None
    page: Callable[[World], str] | None = None  # where the form is, when not at `url`
    setup: Callable[[World], None] | None = None
    extra: dict = field(default_factory=dict)


MEETING = {
    **_date("held_at", _today(1)),
    "held_at_time": "10:00",
    "attendees": "Police: PC Smith",
    "support_for_parents": "Parenting worker",
    "disruption_actions": "Abduction warning notice",
}


def _fresh(name: str) -> Callable[[World], Any]:
    return lambda w: type(w[name]).objects.get(pk=w[name].pk)


def _case_url(url_name: str, item: str | None = None) -> Callable[[World], str]:
    def url(w: World) -> str:
        args = [w["case"].pk] + ([w[item].pk] if item else [])
        return reverse(url_name, args=args)

    return url


def _propose(w: World) -> None:
    propose_closure(w["case"], w.personas["cate_worker"], reason="Settled", exit_plan="Mentor")


def _close(w: World) -> None:
    _propose(w)
    approve_closure(w["case"], w.personas["team_leader"], note="Agreed")


SCENARIOS: dict[str, Edit] = {
    "contacts:child_restriction": Edit(
        persona="group_manager",
        url=lambda w: reverse("contacts:child_restriction", args=[w["child"].pk]),
        record=_fresh("child"),
        a={"is_restricted": "yes", "reason": A_TEXT},
        b={"is_restricted": "no", "reason": B_TEXT},
        holds_a=lambda r: r.is_restricted,
    ),
    "contacts:duplicate_detail": Edit(
        persona="fc_manager",
        url=lambda w: reverse("contacts:duplicate_detail", args=[w["duplicate"].pk]),
        record=_fresh("duplicate"),
        a={"decision": "different", "reason": A_TEXT},
        b={"decision": "different", "reason": B_TEXT},
        holds_a=lambda r: r.resolution_reason == A_TEXT,
    ),
    "network:person_duplicate_detail": Edit(
        persona="fc_manager",
        url=lambda w: reverse("network:person_duplicate_detail", args=[w["person_duplicate"].pk]),
        record=_fresh("person_duplicate"),
        a={"decision": "different", "reason": A_TEXT},
        b={"decision": "different", "reason": B_TEXT},
        holds_a=lambda r: r.resolution_reason == A_TEXT,
    ),
    "core:setting_edit": Edit(
        persona="group_manager",
        url=lambda w: reverse("core:setting_edit", args=["caseload_limit"]),
        record=lambda w: ServiceSetting.objects.filter(key="caseload_limit").first(),
        a={"value": "7", "reason": A_TEXT},
        b={"value": "9", "reason": B_TEXT},
        holds_a=lambda r: r.value == 7,
    ),
    "contacts:contact_edit": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:contact_edit", args=[w["contact"].pk]),
        record=_fresh("contact"),
        a={"concern": A_TEXT, "reason": "Typo"},
        b={"concern": B_TEXT, "reason": "Typo"},
        holds_a=lambda r: r.concern == A_TEXT,
    ),
    "contacts:child_edit": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:child_edit", args=[w["child"].pk]),
        record=_fresh("child"),
        a={"school": A_TEXT, "reason": "New school"},
        b={"school": B_TEXT, "reason": "New school"},
        holds_a=lambda r: r.school == A_TEXT,
    ),
    "contacts:threshold_assess": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:threshold_assess", args=[w["assessed_contact"].pk]),
        record=_fresh("threshold"),
        a={"coercion_evidence": A_TEXT, "revision_reason": "More known"},
        b={"coercion_evidence": B_TEXT, "revision_reason": "More known"},
        holds_a=lambda r: r.factors["coercion"]["evidence"] == A_TEXT,
    ),
    "contacts:contact_decide": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:contact_decide", args=[w["assessed_contact"].pk]),
        record=_fresh("assessed_contact"),
        a={"outcome": "information_advice", "outcome_detail": A_TEXT},
        b={"outcome": "information_advice", "outcome_detail": B_TEXT},
        holds_a=lambda r: r.outcome_detail == A_TEXT,
    ),
    "contacts:contact_entered_in_error": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:contact_entered_in_error", args=[w["contact"].pk]),
        record=_fresh("contact"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: r.entered_in_error_reason == A_TEXT,
    ),
    "contacts:follow_up_complete": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:follow_up_complete", args=[w["follow_up"].pk]),
        record=_fresh("follow_up"),
        a={"action_taken": "yes", "notes": A_TEXT},
        b={"action_taken": "no", "notes": B_TEXT},
        holds_a=lambda r: r.notes == A_TEXT,
    ),
    "contacts:missing_cse_link": Edit(
        persona="screener",
        url=lambda w: reverse("contacts:missing_cse_link", args=[w["missing_report"].pk]),
        record=_fresh("missing_report"),
        a={"linked": "yes", "notes": A_TEXT},
        b={"linked": "no", "notes": B_TEXT},
        holds_a=lambda r: r.cse_link_notes == A_TEXT,
    ),
    "contacts:same_name_set_detail": Edit(
        persona="fc_manager",
        url=lambda w: reverse("contacts:same_name_set_detail", args=[w["same_name_set"].pk]),
        record=_fresh("same_name_set"),
        a={"outcome": "different", "notes": A_TEXT},
        b={"outcome": "escalated", "notes": B_TEXT},
        holds_a=lambda r: r.notes == A_TEXT,
    ),
    "contacts:threshold_review_detail": Edit(
        persona="fc_manager",
        url=lambda w: reverse("contacts:threshold_review_detail", args=[w["threshold_review"].pk]),
        record=_fresh("threshold_review"),
        a={"outcome": "advice", "notes": A_TEXT},
        b={"outcome": "escalated", "notes": B_TEXT},
        holds_a=lambda r: r.notes == A_TEXT,
    ),
    "cate:assessment_edit": Edit(
        persona="team_leader",
        url=lambda w: reverse("cate:assessment_edit", args=[w["referral"].pk]),
        record=_fresh("assessment"),
        a={"cse_is_factor": "yes"},
        b={"cse_is_factor": "no"},
        holds_a=lambda r: r.cse_is_factor is True,
        kept="",
    ),
    "cate:assessment_outcome": Edit(
        persona="team_leader",
        url=lambda w: reverse("cate:assessment_outcome", args=[w["referral"].pk]),
        record=_fresh("assessment"),
        a={
            "outcome": "single_agency_early_help",
            "cse_is_factor": "yes",
            "summary": A_TEXT,
            **_date("completed_on", _today()),
        },
        b={
            "outcome": "single_agency_early_help",
            "cse_is_factor": "yes",
            "summary": B_TEXT,
            **_date("completed_on", _today()),
        },
        holds_a=lambda r: r.summary == A_TEXT,
    ),
    "cate:case_edit": Edit(
        persona="team_leader",
        url=_case_url("cate:case_edit"),
        record=_fresh("case"),
        a={"open_to": "both", "reason": A_TEXT},
        b={"open_to": "statutory", "reason": B_TEXT},
        holds_a=lambda r: r.open_to == "both",
    ),
    "cate:case_allocate": Edit(
        persona="team_leader",
        url=_case_url("cate:case_allocate"),
        record=_fresh("case"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: r.allocated_worker.username == "p_worker2",
        extra={"a_worker": "other_worker", "b_worker": "team_leader"},
    ),
    "cate:statutory_episode_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:statutory_episode_edit", "statutory"),
        record=_fresh("statutory"),
        a=_date("end", _today(1)),
        b=_date("end", _today(2)),
        holds_a=lambda r: r.end == _today(1),
        kept="",
    ),
    "cate:visit_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:visit_edit", "visit"),
        record=_fresh("visit"),
        a={"notes": A_TEXT},
        b={"notes": B_TEXT},
        holds_a=lambda r: r.notes == A_TEXT,
    ),
    "cate:risk_assessment_revise": Edit(
        persona="cate_worker",
        url=_case_url("cate:risk_assessment_revise", "risk_assessment"),
        record=_fresh("risk_assessment"),
        a={"summary": A_TEXT, "reason": "New information"},
        b={"summary": B_TEXT, "reason": "New information"},
        holds_a=lambda r: r.summary == A_TEXT,
    ),
    "cate:missing_episode_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:missing_episode_edit", "missing"),
        record=_fresh("missing"),
        a={"where_found": A_TEXT},
        b={"where_found": B_TEXT},
        holds_a=lambda r: r.where_found == A_TEXT,
    ),
    "cate:rhi_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:rhi_edit", "missing"),
        record=lambda w: ReturnHomeInterview.objects.filter(episode=w["missing"]).first(),
        a={"status": "offered", "child_said": A_TEXT, **_date("offered_at", _today()), "offered_at_time": "00:01"},
        b={"status": "offered", "child_said": B_TEXT, **_date("offered_at", _today()), "offered_at_time": "00:02"},
        holds_a=lambda r: r.child_said == A_TEXT,
    ),
    "cate:nrm_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:nrm_edit", "nrm"),
        record=_fresh("nrm"),
        a=_date("referred_on", _today(1)),
        b=_date("referred_on", _today(2)),
        holds_a=lambda r: r.referred_on == _today(1),
        kept="",
    ),
    "cate:gp_letter_sent": Edit(
        persona="cate_worker",
        url=_case_url("cate:gp_letter_sent", "gp_letter"),
        page=_case_url("cate:gp_letter_detail", "gp_letter"),
        record=_fresh("gp_letter"),
        a=_date("sent_on", _today()),
        b=_date("sent_on", _today()),
        holds_a=lambda r: r.sent_on == _today(),
        kept="",
    ),
    "cate:support_referral_edit": Edit(
        persona="cate_worker",
        url=_case_url("cate:support_referral_edit", "support"),
        record=_fresh("support"),
        a={"outcome": A_TEXT},
        b={"outcome": B_TEXT},
        holds_a=lambda r: r.outcome == A_TEXT,
    ),
    "cate:closure_propose": Edit(
        persona="cate_worker",
        url=_case_url("cate:closure_propose"),
        record=_fresh("case"),
        a={"reason": A_TEXT, "exit_plan": "Mentor", "step_down_destination": "universal"},
        b={"reason": B_TEXT, "exit_plan": "Mentor", "step_down_destination": "early_help"},
        holds_a=lambda r: r.status == "closure_proposed",
        extra={"answer_outstanding": True},
    ),
    "cate:closure_decide": Edit(
        persona="team_leader",
        persona_b="group_manager",
        setup=_propose,
        url=_case_url("cate:closure_decide"),
        record=_fresh("case"),
        a={"decision": "approve", "note": A_TEXT},
        b={"decision": "return", "note": B_TEXT},
        holds_a=lambda r: r.status == "closed",
        extra={"answer_outstanding": True},
    ),
    "cate:case_reopen": Edit(
        persona="team_leader",
        persona_b="group_manager",
        setup=_close,
        url=_case_url("cate:case_reopen"),
        record=_fresh("case"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: r.status == "open",
    ),
    "riskpanel:panel_edit": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:panel_edit", args=[w["panel"].pk]),
        record=_fresh("panel"),
        a={"location": A_TEXT},
        b={"location": B_TEXT},
        holds_a=lambda r: r.location == A_TEXT,
    ),
    "riskpanel:item_withdraw": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:item_withdraw", args=[w["panel"].pk, w["panel_item"].pk]),
        record=_fresh("panel_item"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: r.withdrawn_reason == A_TEXT,
    ),
    "riskpanel:item_outcome": Edit(
        persona="team_leader",
        setup=lambda w: panel_services.panel_open(meeting=w["panel"], actor=w.personas["team_leader"]),
        url=lambda w: reverse("riskpanel:item_outcome", args=[w["panel"].pk, w["panel_item_other"].pk]),
        record=_fresh("panel_item_other"),
        a={"outcome": A_TEXT},
        b={"outcome": B_TEXT},
        holds_a=lambda r: r.outcome == A_TEXT,
    ),
    "riskpanel:decision_record": Edit(
        persona="team_leader",
        setup=lambda w: panel_services.panel_open(meeting=w["panel"], actor=w.personas["team_leader"]),
        url=lambda w: reverse("riskpanel:decision_record", args=[w["panel"].pk, w["panel_item"].pk]),
        record=lambda w: PanelDecision.objects.filter(item=w["panel_item"]).first(),
        a={"risk_level": "medium", "rationale": A_TEXT},
        b={"risk_level": "high", "rationale": B_TEXT},
        holds_a=lambda r: r.rationale == A_TEXT,
    ),
    "riskpanel:strategy_meeting_record": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:strategy_meeting_record", args=[w["strategy_meeting"].pk]),
        record=_fresh("strategy_meeting"),
        extra={"agencies": True},
        a={"discussion": A_TEXT, **MEETING},
        b={"discussion": B_TEXT, **MEETING},
        holds_a=lambda r: r.discussion == A_TEXT,
    ),
    "riskpanel:safety_plan_edit": Edit(
        persona="cate_worker",
        url=lambda w: reverse("riskpanel:safety_plan_edit", args=[w["safety_plan"].pk]),
        record=_fresh("safety_plan"),
        a={"risks": A_TEXT},
        b={"risks": B_TEXT},
        holds_a=lambda r: r.risks == A_TEXT,
    ),
    "riskpanel:safety_plan_agree": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:safety_plan_agree", args=[w["safety_plan"].pk]),
        record=_fresh("safety_plan"),
        a=_date("review_due_on", _today(-30)),
        b=_date("review_due_on", _today(-40)),
        holds_a=lambda r: r.review_due_on == _today(-30),
        kept="",
    ),
    "riskpanel:action_edit": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:action_edit", args=[w["action"].pk]),
        record=_fresh("action"),
        a={"description": A_TEXT},
        b={"description": B_TEXT},
        holds_a=lambda r: r.description == A_TEXT,
    ),
    "riskpanel:action_cancel": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:action_cancel", args=[w["action"].pk]),
        record=_fresh("action"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: A_TEXT in (r.cancel_reason if hasattr(r, "cancel_reason") else str(r.__dict__)),
    ),
    "riskpanel:minutes_edit": Edit(
        persona="team_leader",
        url=lambda w: reverse("riskpanel:minutes_edit", args=[w["meeting"].pk]),
        record=lambda w: PanelMinutes.objects.filter(meeting=w["meeting"]).first(),
        a={"other_business": A_TEXT},
        b={"other_business": B_TEXT},
        holds_a=lambda r: r is not None and r.other_business == A_TEXT,
        setup=lambda w: panel_services.panel_minutes_save(
            meeting=w["meeting"], actor=w.personas["team_leader"], attendance={}, discussions={}
        ),
    ),
    **{
        f"network:{kind}_edit": Edit(
            persona="cate_worker",
            url=lambda w, kind=kind: reverse(f"network:{kind}_edit", args=[w[kind].pk]),
            record=_fresh(kind),
            a={"description": A_TEXT},
            b={"description": B_TEXT},
            holds_a=lambda r: r.description == A_TEXT,
        )
        for kind in ("person", "place", "vehicle", "identifier", "peer_group")
    },
    "network:link_edit": Edit(
        persona="cate_worker",
        persona_b="police",
        url=lambda w: reverse("network:link_edit", args=[w["network_link"].pk]),
        record=_fresh("network_link"),
        a={"notes": A_TEXT},
        b={"notes": B_TEXT},
        holds_a=lambda r: r.notes == A_TEXT,
    ),
    "network:link_end": Edit(
        persona="cate_worker",
        url=lambda w: reverse("network:link_end", args=[w["network_link"].pk]),
        record=_fresh("network_link"),
        a=_date("last_seen", _today(1)),
        b=_date("last_seen", _today(2)),
        holds_a=lambda r: r.last_seen == _today(1),
        kept="",
    ),
    "network:link_withdraw": Edit(
        persona="team_leader",
        persona_b="cate_worker",
        url=lambda w: reverse("network:link_withdraw", args=[w["network_link"].pk]),
        record=_fresh("network_link"),
        a={"reason": A_TEXT},
        b={"reason": B_TEXT},
        holds_a=lambda r: r.withdrawn_reason == A_TEXT,
    ),
}

NETWORK_KINDS = ("person", "place", "vehicle", "identifier", "peer_group")

# Pages that change a record with one click and nothing typed: the service locks the row and
# refuses a change its current state does not allow, so a second click cannot overwrite anything.
ONE_CLICK = {
    "contacts:contact_assign": "assign to me: refused when someone else holds it",
    "contacts:contact_release": "release: refused unless held",
    "contacts:contact_link_child": "a child chosen from search results; carries the version",
    "contacts:mace_close": "close an enquiry: refused when already closed",
    "core:notification_mark_all_read": "the user's own notifications",
    "core:locked_accounts": "lifting a lockout: nothing typed overwrites a record; a second unlock finds none",
    "core:notification_open": "the user's own notification",
    "riskpanel:panel_open": "state change: refused when not allowed from the current state",
    "riskpanel:panel_close": "state change: refused when already closed; each item not decided is carried once",
    "riskpanel:agenda_build": "adds the cases chosen: a case on an agenda is no longer due, so never twice",
    "riskpanel:item_refresh_paper": "copies the latest risk assessment; idempotent",
    "riskpanel:decision_gp_letter": "one letter per decision",
    "network:mace_subject_remove": "takes a person off an enquiry: refused when already taken off",
}

# Pages whose change can happen once only: the service locks the rows and refuses a second time
# (so nothing is overwritten), and the page says why.
STATE_GUARDED = {
    "contacts:child_merge": "merging needs both records active; the service locks both and refuses otherwise",
    "contacts:merge_detail": "a merge is reversed once; the service locks it and refuses a second reversal",
    "network:person_merge": "merging needs both records current; the service locks both and refuses otherwise",
    "network:person_merge_detail": "a merge is reversed once; the service locks it and refuses a second reversal",
    "core:group_mapping_change": "a proposed change of the group mapping is decided once; the service locks it and "
    "refuses a second decision (tests/core/test_sso.py)",
    "riskpanel:action_complete": "an action is completed once: a second completion is refused on the form with "
    "why and what to do, keeping what was typed (tests/riskpanel/test_partner_actions.py)",
    **{
        f"network:{kind}_entered_in_error": "marked entered in error once: the page refuses a second marking on "
        "the form, keeping what was typed, and the service locks the record and refuses it too "
        "(tests/network/test_views_records.py)"
        for kind in NETWORK_KINDS
    },
}

# Pages that create a new record (nothing to overwrite) or change nothing.
NOT_EDITS = {
    "contacts:contact_create",
    "contacts:child_create",
    "contacts:mace_create",
    "contacts:mace_entry_create",
    "contacts:anonymous_referral",
    "cate:assessment_start",
    "cate:significant_event_add",
    "cate:statutory_episode_add",
    "cate:visit_add",
    "cate:risk_assessment_add",
    "cate:missing_episode_add",
    "cate:support_referral_add",
    "cate:disclosure_add",
    "cate:transition_meeting_add",
    "cate:gp_letter_closure",
    "riskpanel:panel_schedule",
    "riskpanel:item_add",
    "riskpanel:safety_plan_new",
    "riskpanel:case_action_add",
    "riskpanel:decision_action_add",
    "riskpanel:strategy_meeting_action_add",
    "riskpanel:action_progress_add",
    "core:login",
    "core:logout",
    "core:otp_verify",
    "core:otp_setup",
    "core:otp_recovery_codes",
    "core:enrolment_link",
    "core:password_link",
    "core:account",
    "core:reauth",
    # Links made where the information appears (network.views.sources): each adds a link or a person to an
    # enquiry, nothing overwritten; the same link or person twice is refused by the service.
    "network:missing_episode_place",
    "network:missing_episode_person",
    "network:mace_answer_link",
    "network:mace_subject_add",
    "core:sso_start",
    "core:sso_callback",
    "core:sso_reauth",
    "core:sso_backchannel_logout",
    "core:group_mappings",
    *(f"network:{kind}_{page}" for kind in NETWORK_KINDS for page in ("add", "link_add")),
    "network:child_link_add",
    "network:case_link_add",
    "network:peer_group_member_add",
    "network:peer_group_place_add",
}


def app_url_names() -> list[str]:
    """Every named URL of the service's own apps (the admin is Django's)."""
    return sorted({name for name, _ in url_patterns()})


READ_ONLY = {
    "core:home",
    "contacts:duplicate_list",
    "network:person_duplicate_list",
    "network:person_merge_list",
    "contacts:child_restriction_find",
    "core:notification_list",
    "core:settings",
    "core:setting_changes",
    "core:audit",
    "core:healthz",
    "contacts:index",
    "contacts:queue",
    "contacts:contact_list",
    "contacts:contact_detail",
    "contacts:mace_list",
    "contacts:mace_detail",
    "contacts:mace_export",
    "contacts:follow_up_list",
    "contacts:threshold_review_list",
    "contacts:same_name_set_list",
    "contacts:child_search",
    "contacts:child_detail",
    "contacts:merge_list",
    "contacts:anonymous_referral_sent",
    "cate:index",
    "cate:referral_list",
    "cate:referral_detail",
    "cate:my_caseload",
    "cate:caseload_list",
    "cate:caseload_detail",
    "cate:case_list",
    "cate:nrm_awaiting",
    "cate:case_detail",
    "cate:chronology",
    "cate:visit_list",
    "cate:risk_assessment_detail",
    "cate:missing_episode_list",
    "cate:missing_episode_detail",
    "cate:gp_letter_detail",
    "cate:gp_letter_pdf",
    "riskpanel:index",
    "riskpanel:panel_list",
    "riskpanel:panel_detail",
    "riskpanel:minutes_detail",
    "riskpanel:minutes_pdf",
    "riskpanel:item_detail",
    "riskpanel:case_list",
    "riskpanel:case_detail",
    "riskpanel:strategy_meeting_list",
    "riskpanel:strategy_meeting_detail",
    "riskpanel:safety_plan_detail",
    "riskpanel:safety_plan_print",
    "riskpanel:safety_plan_pdf",
    "riskpanel:action_list",
    "riskpanel:action_list_by_owner",
    "riskpanel:partner_actions",
    "riskpanel:action_detail",
    "reporting:index",
    "reporting:item_list",
    "reporting:annual_report",
    "reporting:annual_report_download",
    "network:map",
    "network:map_print",
    "network:missing_episode",
    "network:hotspot_list",
    "network:cohort_profile",
    "network:index",
    *(f"network:{kind}_{page}" for kind in NETWORK_KINDS for page in ("list", "detail")),
}


def test_every_page_is_classified():
    """A new URL fails here until it has a lost-update scenario or a stated reason it needs none."""
    groups = [set(SCENARIOS), set(ONE_CLICK), set(STATE_GUARDED), NOT_EDITS, READ_ONLY]
    names = set(app_url_names())
    classified = set().union(*groups)
    assert names - classified == set(), "Classify these pages (an edit page needs a scenario in SCENARIOS)"
    assert classified - names == set(), "These names are no longer URLs"
    assert sum(len(g) for g in groups) == len(classified), "A page is in two groups"


def _answer_outstanding(form, data: dict) -> None:
    """A closure's outstanding items answered: a reason for each (proposal), each reason accepted
    (decision)."""
    for name in field_names(form):
        if name.startswith("outstanding_"):
            data[name] = ["Reason to close all the same"]
        elif name.startswith("item_"):
            data[name] = ["accepted"]


def _history(record) -> list:
    if record is None:
        return []
    return list(record.history.filter(**{record._meta.pk.attname: record.pk}).order_by("history_date", "history_id"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_second_of_two_saves_is_refused_and_nothing_is_lost(name, personas, client_for):
    spec = SCENARIOS[name]
    world = build_world(personas)
    if spec.setup:
        spec.setup(world)
    user_a, user_b = personas[spec.persona], personas[spec.persona_b or spec.persona]
    client_a, client_b = client_for(user_a), client_for(user_b)
    url = spec.url(world)

    page = spec.page(world) if spec.page else url
    page_a, page_b = client_a.get(page), client_b.get(page)
    assert page_a.status_code == page_b.status_code == 200
    form_a = post_form(page_a.content.decode(), with_field="version")
    form_b = post_form(page_b.content.decode(), with_field="version")
    assert form_a is not None and form_b is not None, f"{name}: the form does not carry the record's version"
    data_a, data_b = {**form_data(form_a), **spec.a}, {**form_data(form_b), **spec.b}
    if "a_worker" in spec.extra:
        data_a["worker"] = str(personas[spec.extra["a_worker"]].pk)
        data_b["worker"] = str(personas[spec.extra["b_worker"]].pk)
    if "agencies" in spec.extra:
        data_a["attending_agencies"] = data_b["attending_agencies"] = [str(personas["police"].agency_id)]
    if "answer_outstanding" in spec.extra:
        _answer_outstanding(form_a, data_a)
        _answer_outstanding(form_b, data_b)
    before = _history(spec.record(world))

    saved = client_a.post(url, data_a)
    assert saved.status_code == 302, error_summary(saved.content.decode()) or saved.content.decode()[-3000:]
    after_a = spec.record(world)
    assert spec.holds_a(after_a)
    history_a = _history(after_a)
    assert len(history_a) > len(before)
    assert {row.history_user_id for row in history_a[len(before) :]} == {user_a.pk}

    refused = client_b.post(url, data_b)
    html = refused.content.decode()
    assert refused.status_code == 200, f"{name}: answered {refused.status_code} {refused.get('Location')}"
    assert "govuk-error-summary" in html and STALE in html
    assert NAMED in html, f"{name}: the message does not say what changed"
    if spec.kept:
        assert escape(spec.kept) in html, f"{name}: what B typed is not kept on the form"
        assert spec.kept not in html
    after_b = spec.record(world)
    assert spec.holds_a(after_b)
    assert len(_history(after_b)) == len(history_a), f"{name}: B's save wrote history"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_save_that_does_not_say_its_version_is_refused(name, personas, client_for):
    """An old page or a script that leaves the version out cannot overwrite a record unseen (a
    record not yet recorded has version 0 on its form and needs none)."""
    spec = SCENARIOS[name]
    world = build_world(personas)
    if spec.setup:
        spec.setup(world)
    client = client_for(personas[spec.persona])
    url = spec.url(world)
    page = client.get(spec.page(world) if spec.page else url)
    form = post_form(page.content.decode(), with_field="version")
    data = {**form_data(form), **spec.a}
    if "a_worker" in spec.extra:
        data["worker"] = str(personas[spec.extra["a_worker"]].pk)
    if "agencies" in spec.extra:
        data["attending_agencies"] = [str(personas["police"].agency_id)]
    if "answer_outstanding" in spec.extra:
        _answer_outstanding(form, data)
    version = data.pop("version", [""])
    if version in ([""], ["0"]):
        pytest.skip("the record does not exist yet: nothing to overwrite")
    before = _history(spec.record(world))
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "This page is out of date" in html
    assert len(_history(spec.record(world))) == len(before)


def test_a_case_closed_while_a_form_was_open_refuses_the_save_and_keeps_the_typing(personas, client_for):
    """(The allocated worker keeps only read access to a closed case, so is refused; a manager still
    works on it.)"""
    world = build_world(personas)
    client = client_for(personas["group_manager"])
    url = reverse("cate:case_edit", args=[world["case"].pk])
    form = post_form(client.get(url).content.decode(), with_field="version")
    _close(world)
    before = _history(_fresh("case")(world))
    response = client.post(url, {**form_data(form), "open_to": "both", "reason": B_TEXT})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "This case was closed after you opened this page" in html and escape(B_TEXT) in html
    assert _fresh("case")(world).open_to == "cate"
    assert len(_history(_fresh("case")(world))) == len(before)
    assert client.get(url).status_code == 302  # opening the form of a closed case goes to the case

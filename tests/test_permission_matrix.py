"""The permission matrix over every URL of the project.

Every named URL pattern (walked from the root resolver, includes followed) must have a row here, or
`test_every_url_is_in_the_matrix` fails: a new page cannot ship without saying who may open it.

Each row gives the answer of each persona (columns in `PERSONAS` order: signed out, advisor,
screener, police, health, CATE worker with the case, CATE worker without it, team leader, group
manager, panel member invited to the open panel, panel member not invited, auditor, administrator,
Family Connect manager) to a GET and to a POST of the page, with every URL kwarg pointing at a real
record of one rich world (tests/world.py). One letter each (matrix_support.CODES):

    2 = 200    L = 302 to sign-in    R = 302 elsewhere    F = 403    N = 404    M = 405

The POST is empty unless the row gives data: a form page answers 200 with its error summary; a
button that acts without a form (assign, release, open a panel, mark as read) answers R for those
who may act, and that is noted on the row as harmless or as the action it is. A GET-only page answers
M to a POST. No request may answer 500, and no one who may not act may get 2 or R on a POST. Each
request runs in a savepoint that is rolled back, so one persona's POST does not change the next one's.

Each persona's client has just signed in (`force_login` is a sign-in), so its session is fresh and a
sensitive page (core/reauth.py) answers as it would straight after signing in; a stale session is
sent to "Confirm it's you" first (tests/core/test_reauth.py).

Django's admin is checked as one group: its index and one model page (staff), because it is
Django's own code gated by `is_staff` as a whole; every other admin:* name is covered by the group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from .matrix_support import CODES, PERSONAS, observe, walk

pytestmark = pytest.mark.django_db

ADMIN_GROUP = ("admin:index", "admin:core_user_changelist")
ANNUAL_QUERY = "?file_format=csv&start_day=1&start_month=4&start_year=2023&end_day=31&end_month=3&end_year=2024"


@dataclass(frozen=True)
class Row:
    get: str
    post: str
    data: dict | None = None


# fmt: off
case = {"pk": "case"}
NETWORK_KINDS = ("person", "place", "vehicle", "identifier", "peer_group")
NETWORK_RECORD_PAGES = ("detail", "edit", "entered_in_error", "link_add")
# Every URL kwarg: the key of world.objects it points at (or a callable of the world).
ARGS: dict[str, dict] = {
    "core:notification_open": {"pk": lambda w: w["notifications"]["cate_worker"]},
    "core:setting_edit": {"key": lambda w: "contact_decision"},
    **{f"core:{n}": {"provider": lambda w: "council"} for n in ("sso_start", "sso_callback", "sso_backchannel_logout")},
    "core:group_mapping_change": {"pk": "mapping_change"},
    # A link that does not work (the matrix holds no e-mailed token): everyone sees why, signed in or not.
    "core:enrolment_link": {"uidb64": lambda w: "MQ", "token": lambda w: "c5-0123456789abcdef"},
    "core:password_link": {"uidb64": lambda w: "MQ", "token": lambda w: "c5-0123456789abcdef"},
    # The contact and the child of the referral the CATE worker assesses: those working on it read them.
    # Need to know: Family Connect reads every contact; a team leader those of children referred to CATE;
    # a worker the contact of the referral they work on; a group manager only through a case (this
    # referred child has none yet, so N; the world's child has one, so its contacts answer F to changes).
    "contacts:contact_detail": {"pk": "referred_contact"},
    "contacts:child_detail": {"pk": "referred_child"},
    **{f"contacts:{n}": {"pk": "contact"} for n in (
        "contact_edit", "contact_assign", "contact_release", "contact_link_child",
        "contact_entered_in_error", "threshold_assess", "mace_create", "contact_decide",
    )},
    **{f"contacts:{n}": {"pk": "mace"} for n in ("mace_detail", "mace_entry_create", "mace_close", "mace_export")},
    "contacts:follow_up_complete": {"pk": "follow_up"},
    "contacts:missing_cse_link": {"pk": "missing_report"},
    **{f"contacts:{n}": {"pk": "child"} for n in ("child_edit", "child_merge", "child_restriction")},
    "contacts:merge_detail": {"pk": "merge"},
    "contacts:duplicate_detail": {"pk": "duplicate"},
    "cate:referral_detail": {"pk": "assigned"},
    "cate:assessment_start": {"pk": "awaiting"},
    "cate:assessment_edit": {"pk": "assigned"},
    "cate:assessment_outcome": {"pk": "assigned"},
    "cate:caseload_detail": {"user_pk": lambda w: w.personas["cate_worker"]},
    "cate:supervision_worker": {"user_pk": lambda w: w.personas["cate_worker"]},
    "cate:supervision_add": {"user_pk": lambda w: w.personas["cate_worker"]},
    "cate:cic_review_add": {"pk": "cic_episode"},
    "cate:audit_item": {"pk": "audit_item"},
    **{f"cate:{n}": case for n in (
        "case_detail", "case_edit", "case_allocate", "chronology", "significant_event_add", "statutory_episode_add",
        "visit_list", "visit_add", "risk_assessment_add", "missing_episode_list", "missing_episode_add",
        "support_referral_add", "disclosure_add", "transition_meeting_add", "closure_propose", "closure_decide",
        "case_reopen", "gp_letter_closure",
    )},
    "cate:statutory_episode_edit": {**case, "item": "statutory"},
    "cate:visit_edit": {**case, "item": "visit"},
    "cate:risk_assessment_detail": {**case, "item": "risk_assessment"},
    "cate:risk_assessment_revise": {**case, "item": "risk_assessment"},
    "cate:missing_episode_detail": {**case, "item": "missing"},
    "cate:missing_episode_edit": {**case, "item": "missing"},
    "cate:rhi_edit": {**case, "item": "missing"},
    "cate:nrm_edit": {**case, "item": "nrm"},
    "cate:gp_letter_detail": {**case, "item": "gp_letter"},
    "cate:gp_letter_pdf": {**case, "item": "gp_letter"},
    "cate:gp_letter_sent": {**case, "item": "gp_letter"},
    "cate:support_referral_edit": {**case, "item": "support"},
    **{f"riskpanel:{n}": {"pk": "meeting"} for n in (
        "panel_detail", "panel_edit", "panel_open", "panel_close", "agenda_build", "item_add",
        "minutes_detail", "minutes_edit", "minutes_pdf",
    )},
    **{f"riskpanel:{n}": {"pk": "meeting", "item_pk": "item"} for n in (
        "item_detail", "decision_gp_letter", "item_outcome", "item_withdraw", "item_refresh_paper",
        "decision_action_add",
    )},
    "riskpanel:decision_record": {"pk": "meeting", "item_pk": "undecided"},
    **{f"riskpanel:{n}": {"case_pk": "case"} for n in ("case_detail", "safety_plan_new", "case_action_add")},
    **{f"riskpanel:{n}": {"pk": "strategy_meeting"} for n in (
        "strategy_meeting_detail", "strategy_meeting_record", "strategy_meeting_action_add",
    )},
    **{f"riskpanel:{n}": {"pk": "safety_plan"} for n in (
        "safety_plan_detail", "safety_plan_edit", "safety_plan_agree", "safety_plan_print", "safety_plan_pdf",
    )},
    **{f"riskpanel:{n}": {"pk": "action"} for n in (
        "action_detail", "action_edit", "action_complete", "action_cancel", "action_progress_add",
    )},
    "reporting:item_list": {"kind": lambda w: "allocation"},
    **{f"network:{n}": {"kind": lambda w: "child", "pk": "child"} for n in ("map", "map_print")},
    **{f"network:{n}": {"pk": "missing"} for n in (
        "missing_episode", "missing_episode_place", "missing_episode_person",
    )},
    "network:mace_answer_link": {"pk": "mace_entry"},
    **{f"documents:{n}": {"key": lambda w: "case", "pk": "case"} for n in ("record_list", "add")},
    **{f"documents:{n}": {"pk": "document"} for n in ("detail", "download", "preview", "new_version", "withdraw")},
    **{f"network:{n}": {"pk": "mace"} for n in ("mace_subject_add", "mace_subject_remove")},
    "network:person_merge": {"pk": "person"},
    "network:person_duplicate_detail": {"pk": "person_duplicate"},
    "network:person_merge_detail": {"pk": "person_merge"},
    **{f"network:{kind}_{page}": {"pk": kind} for kind in NETWORK_KINDS for page in NETWORK_RECORD_PAGES},
    "network:child_link_add": {"pk": "child"},
    "network:case_link_add": case,
    **{f"network:peer_group_{n}": {"pk": "peer_group"} for n in ("member_add", "place_add")},
    **{f"network:link_{n}": {"pk": "network_link"} for n in ("edit", "end", "withdraw")},
    **{f"network:{n}": {"pk": "context"} for n in (
        "context_detail", "context_print", "context_assessment_open", "context_plan_open",
    )},
    **{f"network:context_assessment_{n}": {"pk": "context_assessment"} for n in (
        "detail", "edit", "withdraw", "child_add",
    )},
    "network:context_assessment_child_remove": {"pk": "context_assessment", "row_pk": "context_child"},
    **{f"network:context_plan_{n}": {"pk": "context_plan"} for n in (
        "detail", "edit", "action_add", "review_add", "close",
    )},
    "network:contact_context_add": {"pk": "contact"},
    "network:contact_context_remove": {"pk": "context_referral"},
    **{f"network:context_{n}": {"pk": "context_panel"} for n in (
        "panel_detail", "panel_edit", "panel_open", "panel_close", "item_add", "minutes", "minutes_edit", "attendance",
    )},
    **{f"network:context_item_{n}": {"pk": "context_panel", "item_pk": "context_item"} for n in (
        "detail", "decide", "withdraw", "action_add",
    )},
}
# fmt: on
QUERIES = {"reporting:annual_report_download": ANNUAL_QUERY}


# Columns: anonymous, advisor, screener, police, health, worker with the case, worker without, team leader,
# group manager, panel member invited, panel member not invited, auditor, administrator, Family Connect manager.
# fmt: off
MATRIX: dict[str, Row] = {
    "core:home": Row("L22222222222222", "LMMMMMMMMMMMMMM"),
    "core:login": Row("2RRRRRRRRRRRRRR", "2RRRRRRRRRRRRRR"),
    "core:logout": Row("LMMMMMMMMMMMMMM", "LLLLLLLLLLLLLLL"),
    "core:otp_verify": Row("L22222222222222", "L22222222222222"),
    "core:otp_setup": Row("L22222222222222", "L22222222222222"),
    "core:otp_recovery_codes": Row("LRRRRRRRRRRRRRR", "LRRRRRRRRRRRRRR"),
    "core:enrolment_link": Row("222222222222222", "MMMMMMMMMMMMMMM"),  # an e-mailed link is only opened
    "core:password_link": Row("222222222222222", "FFFFFFFFFFFFFFF"),  # a form sent to a dead link is refused
    "core:account": Row("L22222222222222", "L22222222222222"),
    # Confirm it's you (a fresh sign-in before a sensitive action): an empty POST shows its errors.
    "core:reauth": Row("L22222222222222", "L22222222222222"),
    "core:notification_list": Row("L22222222222222", "LMMMMMMMMMMMMMM"),
    "core:notification_open": Row("LNNNNRNNNNNNNNN", "LMMMMMMMMMMMMMM"),
    "core:notification_mark_all_read": Row("LMMMMMMMMMMMMMM", "LRRRRRRRRRRRRRR"),
    "core:settings": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "core:setting_changes": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "core:setting_edit": Row("LFFFFFFF2FFFFFF", "LFFFFFFF2FFFFFF"),
    "core:audit": Row("LFFFFFFFFFF2FFF", "LMMMMMMMMMMMMMM"),
    "core:locked_accounts": Row("LFFFFFF22FFF22F", "LFFFFFF22FFF22F"),
    "core:healthz": Row("222222222222222", "MMMMMMMMMMMMMMM"),
    # Single sign-on: the test settings' provider is down, so starting sends everyone back to sign in.
    "core:sso_start": Row("LRRRRRRRRRRRRRR", "MMMMMMMMMMMMMMM"),
    "core:sso_callback": Row("LRRRRRRRRRRRRRR", "MMMMMMMMMMMMMMM"),
    "core:sso_reauth": Row("L22222222222222", "L22222222222222"),  # a local account: the password (core:reauth's)
    "core:sso_backchannel_logout": Row("MMMMMMMMMMMMMMM", "BBBBBBBBBBBBBBB"),  # the provider calls it, signed out
    "core:group_mappings": Row("LFFFFFFF2FFF2FF", "LFFFFFFFFFFF2FF"),
    "core:group_mapping_change": Row("LNNNNNNN2NNN2NN", "LNNNNNNN2NNNFNN"),
    "contacts:index": Row("L2222FF22FFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:queue": Row("L22FFFFFFFFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:contact_list": Row("L22FFFFFFFFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:contact_create": Row("L22FFFFFFFFFF2F", "L22FFFFFFFFFF2F"),
    "contacts:contact_detail": Row("L22NN2N2NNNNN2N", "LMMMMMMMMMMMMMM"),
    "contacts:contact_edit": Row("L22NNNNFFNNNN2N", "L22NNNNFFNNNN2N"),
    "contacts:contact_assign": Row("LMMMMMMMMMMMMMM", "LFRNNNNFFNNNNRN"),
    "contacts:contact_release": Row("LMMMMMMMMMMMMMM", "LFRNNNNFFNNNNRN"),
    "contacts:contact_link_child": Row("L22NNNNFFNNNN2N", "LRRNNNNFFNNNNRN"),
    "contacts:contact_entered_in_error": Row("LF2NNNNFFNNNN2N", "LF2NNNNFFNNNN2N"),
    "contacts:threshold_assess": Row("LF2NNNNFFNNNN2N", "LF2NNNNFFNNNN2N"),
    "contacts:mace_create": Row("LF2NNNNFFNNNN2N", "LF2NNNNFFNNNN2N"),
    "contacts:contact_decide": Row("LF2NNNNFFNNNN2N", "LF2NNNNFFNNNN2N"),
    "contacts:missing_cse_link": Row("LF2NNNNFFNNNN2N", "LF2NNNNFFNNNN2N"),
    "contacts:mace_list": Row("L2222FF22FFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:mace_detail": Row("L2222NN22NNNN2N", "LMMMMMMMMMMMMMM"),
    "contacts:mace_entry_create": Row("LMMMMMMMMMMMMMM", "LFF22NNFFNNNNFN"),
    "contacts:mace_close": Row("LMMMMMMMMMMMMMM", "LFRFFNNFFNNNNRN"),
    "contacts:mace_export": Row("LF222NNFFNNNN2N", "LMMMMMMMMMMMMMM"),
    "contacts:follow_up_list": Row("L22FFFFFFFFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:follow_up_complete": Row("LF2NNNNNNNNNN2N", "LF2NNNNNNNNNN2N"),
    # The safeguarding advisors' review list: the role the setting names (default Family Connect managers).
    "contacts:threshold_review_list": Row("LFFFFFFFFFFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:threshold_review_detail": Row("LNNNNNNNNNNNN2N", "LNNNNNNNNNNNN2N"),
    "contacts:child_search": Row("L22FFFF22FFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:child_create": Row("L22FFFFFFFFFF2F", "L22FFFFFFFFFF2F"),
    "contacts:child_detail": Row("L22NN2N22NNNN2N", "LMMMMMMMMMMMMMM"),
    "contacts:child_edit": Row("L22NNFNFFNNNN2N", "L22NNFNFFNNNN2N"),
    "contacts:child_merge": Row("LF2NNFNFFNNNN2N", "LFRNNFNFFNNNNRN"),
    "contacts:child_restriction": Row("LFFFFFF22FFFF2F", "LFFFFFF22FFFF2F"),
    "contacts:child_restriction_find": Row("LFFFFFF22FFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:duplicate_list": Row("LFFFFFFFFFFFF2F", "LMMMMMMMMMMMMMM"),
    "contacts:duplicate_detail": Row("LNNNNNNNNNNNN2N", "LNNNNNNNNNNNN2N"),
    "contacts:merge_list": Row("LF2FFFFFFFFF22F", "LMMMMMMMMMMMMMM"),
    "contacts:merge_detail": Row("LN2NNNNNNNNN22N", "LNFNNNNNNNNN2FN"),
    "contacts:anonymous_referral": Row("222222222222222", "222222222222222"),
    "contacts:anonymous_referral_sent": Row("RRRRRRRRRRRRRRR", "MMMMMMMMMMMMMMM"),
    "cate:index": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:referral_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:referral_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:assessment_start": Row("LNNNNNN22NNNNNN", "LNNNNNN22NNNNNN"),
    "cate:assessment_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:assessment_outcome": Row("LNNNNFN22NNNNNN", "LNNNNFN22NNNNNN"),
    "cate:my_caseload": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:caseload_list": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    # Issue 24: supervision (team leaders record it; a CATE worker reads their own), children in care
    # (the Independent Reviewing Officer records the review; CATE staff read the list), audits (team leaders).
    "cate:supervision_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:supervision_worker": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:supervision_add": Row("LNNNNFN2FNNNNNN", "LNNNNFN2FNNNNNN"),
    "cate:cic_review_list": Row("LFFFF2222FFFFF2", "LMMMMMMMMMMMMMM"),
    "cate:cic_review_add": Row("LNNNNFFFFNNNNN2", "LNNNNFFFFNNNNN2"),
    "cate:audit_list": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:audit_item": Row("LNNNNNN22NNNNNN", "LNNNNNN2FNNNNNN"),
    "cate:caseload_detail": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:case_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:nrm_awaiting": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "cate:case_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    # The documents of the world's case (a document the team leader added on it): seen by exactly those who
    # see the case; added to (and a new version) by those who work on it with documents.add_document (the group
    # manager reads); withdrawn by the team leader (documents.withdraw_document; the worker withdraws their own).
    "documents:record_list": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "documents:add": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "documents:detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "documents:download": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "documents:preview": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "documents:new_version": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "documents:withdraw": Row("LNNNNFN2FNNNNNN", "LNNNNFN2FNNNNNN"),
    "cate:case_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:case_allocate": Row("LNNNNFN22NNNNNN", "LNNNNFN22NNNNNN"),
    "cate:chronology": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:significant_event_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:statutory_episode_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:statutory_episode_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:visit_list": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:visit_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:visit_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:risk_assessment_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:risk_assessment_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:risk_assessment_revise": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:missing_episode_list": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:missing_episode_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:missing_episode_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:missing_episode_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:rhi_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:nrm_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:gp_letter_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:gp_letter_pdf": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "cate:gp_letter_sent": Row("LNNNNRNRRNNNNNN", "LNNNN2N22NNNNNN"),
    "cate:gp_letter_closure": Row("LNNNN2N22NNNNNN", "LNNNNRNRRNNNNNN"),
    "cate:support_referral_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:support_referral_edit": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:disclosure_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:transition_meeting_add": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:closure_propose": Row("LNNNN2N22NNNNNN", "LNNNN2N22NNNNNN"),
    "cate:closure_decide": Row("LNNNNFNRRNNNNNN", "LNNNNFNRRNNNNNN"),
    "cate:case_reopen": Row("LNNNNFNRRNNNNNN", "LNNNNFNRRNNNNNN"),
    "riskpanel:index": Row("LFFFF222222FFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:panel_list": Row("LFFFFFF2222FFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:panel_schedule": Row("LFFFFFF2FFFFFFF", "LFFFFFF2FFFFFFF"),
    "riskpanel:panel_detail": Row("LNNNNNN222NNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:panel_edit": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:panel_open": Row("LMMMMMMMMMMMMMM", "LNNNNNNRFFNNNNN"),
    "riskpanel:panel_close": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:agenda_build": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:minutes_detail": Row("LNNNNNN222NNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:minutes_edit": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:minutes_pdf": Row("LNNNNNN222NNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:item_add": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:item_detail": Row("LNNNNNN222NNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:decision_record": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:decision_gp_letter": Row("LMMMMMMMMMMMMMM", "LNNNNNNRFFNNNNN"),
    "riskpanel:item_outcome": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:item_withdraw": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:item_refresh_paper": Row("LMMMMMMMMMMMMMM", "LNNNNNNRFFNNNNN"),
    "riskpanel:decision_action_add": Row("LNNNNNN2FFNNNNN", "LNNNNNN2FFNNNNN"),
    "riskpanel:case_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:case_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_new": Row("LNNNNRNRFNNNNNN", "LNNNNRNRFNNNNNN"),
    "riskpanel:case_action_add": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "riskpanel:strategy_meeting_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:strategy_meeting_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:strategy_meeting_record": Row("LNNNNFN2FNNNNNN", "LNNNNFN2FNNNNNN"),
    "riskpanel:strategy_meeting_action_add": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "riskpanel:safety_plan_detail": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_edit": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "riskpanel:safety_plan_agree": Row("LNNNNFN2FNNNNNN", "LNNNNFN2FNNNNNN"),
    "riskpanel:safety_plan_print": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_pdf": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:action_list": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:action_list_by_owner": Row("LFFFF2222FFFFFF", "LMMMMMMMMMMMMMM"),
    # The world's action is owned by the police: their partner opens it, records progress and completes it
    # (changing or cancelling it stays with the case's workers).
    "riskpanel:partner_actions": Row("LFF22FFFFFFFFFF", "LMMMMMMMMMMMMMM"),
    "riskpanel:action_detail": Row("LNN2N2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "riskpanel:action_progress_add": Row("LNN2N2N2FNNNNNN", "LNN2N2N2FNNNNNN"),
    "riskpanel:action_edit": Row("LNNFN2N2FNNNNNN", "LNNFN2N2FNNNNNN"),
    "riskpanel:action_complete": Row("LNN2N2N2FNNNNNN", "LNN2N2N2FNNNNNN"),
    "riskpanel:action_cancel": Row("LNNFN2N2FNNNNNN", "LNNFN2N2FNNNNNN"),
    "reporting:index": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "reporting:item_list": Row("LFFFFFF22FFFFFF", "LMMMMMMMMMMMMMM"),
    "reporting:annual_report": Row("LFFFFFFF2FFFFFF", "LMMMMMMMMMMMMMM"),
    "reporting:annual_report_download": Row("LFFFFFFF2FFFFFF", "LMMMMMMMMMMMMMM"),
    # The network map of the world's child: those who read the network (police partners and the invited
    # panel member in their window too); a printable table is read with a fresh sign-in (just signed in here).
    "network:map": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:map_print": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:missing_episode": Row("LNNNN2N22NNNNNN", "LMMMMMMMMMMMMMM"),
    "network:missing_episode_place": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "network:missing_episode_person": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "network:mace_answer_link": Row("LN22NNNNNNNNN2N", "LN22NNNNNNNNN2N"),
    "network:mace_subject_add": Row("LF2FFNNFFNNNN2N", "LF2FFNNFFNNNN2N"),
    "network:mace_subject_remove": Row("LF2FFNNFFNNNN2N", "LFRFFNNFFNNNNRN"),
    # Merging persons of concern: team leaders and Family Connect managers; other readers of the network
    # are refused, to everyone else the pages do not exist.
    "network:person_merge": Row("LNFFNFF2FFNNN2N", "LNFFNFFRFFNNNRN"),
    "network:person_duplicate_list": Row("LNFFNFF2FFNNN2N", "LMMMMMMMMMMMMMM"),
    "network:person_duplicate_detail": Row("LNNNNNN2NNNNN2N", "LNNNNNN2NNNNN2N"),
    "network:person_merge_list": Row("LNFFNFF2FFNNN2N", "LMMMMMMMMMMMMMM"),
    "network:person_merge_detail": Row("LNNNNNN2NNNNN2N", "LNNNNNN2NNNNN2N"),
    # Hotspots and the cohort's profile: the analysts (team leaders, group managers, Family Connect managers).
    "network:hotspot_list": Row("LFFFFFF22FFFF2F", "LMMMMMMMMMMMMMM"),
    "network:cohort_profile": Row("LFFFFFF22FFFF2F", "LMMMMMMMMMMMMMM"),
    # The context panel: the world's is open, the police partner and the panel member invited (not the
    # health partner); team leaders chair, group and Family Connect managers read; the rest: 404.
    "network:context_panel_list": Row("LFF22FF2222FF2F", "LMMMMMMMMMMMMMM"),
    "network:context_panel_schedule": Row("LFFFFFF2FFFFFFF", "LFFFFFF2FFFFFFF"),
    "network:context_panel_detail": Row("LNN2NNN222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_panel_edit": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_panel_open": Row("LMMMMMMMMMMMMMM", "LNNFNNNRFFNNNFN"),
    "network:context_panel_close": Row("LMMMMMMMMMMMMMM", "LNNFNNNRFFNNNFN"),
    "network:context_item_add": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_item_detail": Row("LNN2NNN222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_item_decide": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_item_withdraw": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_item_action_add": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_minutes": Row("LNN2NNN222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_minutes_edit": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    "network:context_attendance": Row("LNNFNNN2FFNNNFN", "LNNFNNN2FFNNNFN"),
    # The network: its readers (police partners, and the panel member while invited to an open panel, too)
    # read it; group managers and panel members only read (403 on forms); to anyone else it does not exist.
    "network:index": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    **{f"network:{kind}_list": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM") for kind in NETWORK_KINDS},
    **{f"network:{kind}_detail": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM") for kind in NETWORK_KINDS},
    **{f"network:{kind}_{page}": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N")
       for kind in NETWORK_KINDS for page in ("add", "edit", "entered_in_error", "link_add")},
    "network:child_link_add": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    # Linking from a case: those who may open the case (and record the network).
    "network:case_link_add": Row("LNNNN2N2FNNNNNN", "LNNNN2N2FNNNNNN"),
    "network:peer_group_member_add": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    "network:peer_group_place_add": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    "network:link_edit": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    # Contexts as subjects (issue 19): readers of the network read them; the front door links contacts to
    # them (advisors, screeners, their manager); screeners, CATE workers, team leaders and the Family Connect
    # manager assess; team leaders and the Family Connect manager plan, the chair (team leader) adds actions.
    # An empty POST shows the form's errors (opening an assessment: the world's place has one in progress).
    "network:context_list": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_detail": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_print": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    "network:context_assessment_open": Row("LN2FN222FFNNN2N", "LN2FN222FFNNN2N"),
    "network:context_assessment_detail": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    **{f"network:context_assessment_{n}": Row("LN2FN222FFNNN2N", "LN2FN222FFNNN2N") for n in (
        "edit", "withdraw", "child_add", "child_remove",
    )},
    "network:context_plan_open": Row("LNFFNFF2FFNNN2N", "LNFFNFF2FFNNN2N"),
    "network:context_plan_detail": Row("LN22N22222NNN2N", "LMMMMMMMMMMMMMM"),
    **{f"network:context_plan_{n}": Row("LNFFNFF2FFNNN2N", "LNFFNFF2FFNNN2N") for n in ("edit", "review_add", "close")},
    "network:context_plan_action_add": Row("LNFFNFF2FFNNNFN", "LNFFNFF2FFNNNFN"),
    "network:contact_context_add": Row("L22NNNNFFNNNN2N", "L22NNNNFFNNNN2N"),
    "network:contact_context_remove": Row("L22NNNNNNNNNN2N", "L22NNNNNNNNNN2N"),
    "network:link_end": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    "network:link_withdraw": Row("LN22N222FFNNN2N", "LN22N222FFNNN2N"),
    "admin:index": Row("LLLLLLLLLLLL2LL", "LLLLLLLLLLLL2LL"),
    "admin:core_user_changelist": Row("LLLLLLLLLLLL2LL", "LLLLLLLLLLLL2LL"),
}
# fmt: on

# What each redirect in the matrix does (an R on a POST must be a harmless move or the persona's own action).
NOTES: dict[str, str] = {
    "contacts:child_merge": "a POST naming no record to merge with changes nothing: back to the child with a message",
    "network:person_merge": "a POST naming no record to merge with changes nothing: back to the first step",
    "core:login": "signed-in users are sent on from the sign-in page",
    "core:logout": "POST signs out (harmless): back to sign-in",
    "core:otp_recovery_codes": "no codes to show without an authenticator: sent to set one up",
    "core:notification_open": "opens one's own notification (marks it read) and follows its link; others' are 404",
    "core:notification_mark_all_read": "POST marks one's own notifications read (harmless)",
    "core:sso_start": "signed in: sent on; signed out: the provider is down, back to sign-in with why",
    "core:sso_callback": "no sign-in under way (no state): back to the sign-in page or home with why",
    "contacts:contact_assign": "the screener takes the contact (their action)",
    "contacts:contact_release": "the screener releases the contact (their action)",
    "contacts:contact_link_child": "an empty POST returns to the contact with a message",
    "contacts:mace_close": "the screener closes the enquiry (their action)",
    "contacts:anonymous_referral": "public form: an empty POST shows its errors",
    "contacts:anonymous_referral_sent": "public; without a submission in the session it returns to the form",
    "cate:gp_letter_sent": "GET returns to the letter; POST is the form",
    "cate:gp_letter_closure": "the form is a button: the worker or a manager writes the closure letter (their action)",
    "cate:closure_decide": "no closure proposed on this case: managers are sent back to it",
    "cate:case_reopen": "the case is open: managers are sent back to it",
    "riskpanel:panel_open": "the chair's action; the panel is already open: back with a message",
    "riskpanel:decision_gp_letter": "the chair's action (generates the GP letter)",
    "riskpanel:item_refresh_paper": "the chair's action (refreshes the paper)",
    "riskpanel:safety_plan_new": "a draft plan exists: sent to it",
    "network:mace_subject_remove": "the world's enquiry asks about no person of concern: back to it with a message",
    "network:context_panel_open": "the chair's action; the panel is already open: back with a message",
    "network:context_panel_close": "the chair's action (closes the panel; rolled back)",
    "admin:index": "Django's admin, for administrators only (is_staff)",
    "admin:core_user_changelist": "one admin model page (the admin group)",
}


def url_of(name: str, row: Row, world) -> str:
    kwargs = {}
    for kwarg, key in ARGS.get(name, {}).items():
        value = key(world) if callable(key) else world[key]
        kwargs[kwarg] = getattr(value, "pk", value)
    return reverse(name, kwargs=kwargs) + QUERIES.get(name, "")


@pytest.fixture
def world(rich_world):
    return rich_world


@pytest.fixture
def clients(world):
    result = {"anonymous": Client()}
    for name in PERSONAS[1:]:
        client = Client()
        client.force_login(world.personas[name])
        result[name] = client
    return result


def test_every_url_is_in_the_matrix():
    named = set()
    for name, route, _ in walk():
        if route.startswith("admin/"):
            continue  # Django's admin: one group, see the module docstring
        assert name, f"URL {route!r} has no name: name it and add it to the matrix"
        named.add(name)
    missing = sorted(named - set(MATRIX))
    stale = sorted(set(MATRIX) - named - set(ADMIN_GROUP))
    assert not missing, f"URLs with no row in the permission matrix: {missing}"
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


EMAILED_LINKS = {"core:enrolment_link", "core:password_link"}
PROVIDER_CALLS = {"core:sso_backchannel_logout"}


def test_every_row_is_well_formed_and_every_redirecting_post_is_explained():
    for name, row in MATRIX.items():
        assert len(row.get) == len(row.post) == len(PERSONAS), name
        assert set(row.get + row.post) <= set(CODES), name
        # The pages of the links e-mailed to people are opened signed out; a form sent to a dead one is refused.
        refusable = "F" if name in EMAILED_LINKS else ""
        if name in PROVIDER_CALLS:  # called by the identity provider, never by a person
            assert set(row.get) == {"M"} and set(row.post) <= {"B", "2"}, name
            continue
        assert row.get[0] in "L2R" and row.post[0] in "L2M" + refusable, f"{name}: signed out must be sent to sign in"
        if "R" in row.get + row.post:
            assert NOTES.get(name), f"{name}: say what the redirect does and why it is harmless"


APPS = ("core", "documents", "contacts", "cate", "riskpanel", "network", "reporting", "admin")


@pytest.mark.parametrize("app", APPS)
def test_permission_matrix(world, clients, app):
    """Every page of the app, every persona, GET and POST: the answer the matrix gives."""
    wrong = []
    for name, row in MATRIX.items():
        if name.split(":")[0] != app:
            continue
        url = url_of(name, row, world)
        seen = observe(clients, url, post_data=row.data)
        for method, expected, got in (("GET", row.get, seen.get), ("POST", row.post, seen.post)):
            if got != expected:
                who = [f"{p}: {e}->{g}" for p, e, g in zip(PERSONAS, expected, got, strict=False) if e != g]
                wrong.append(f"{method} {name} ({url}): {', '.join(who)}")
    assert not wrong, "\n".join(wrong)


def test_a_record_under_another_records_url_is_404(world, clients):
    """Each nested record is looked up within its parent: the worker's visit under another of their
    cases, or a panel's item under another panel, answers 404 to someone who may see both parents."""
    other_case = world["undecided"].case
    checked = 0
    for name in MATRIX:
        args = ARGS.get(name, {})
        if set(args) == {"pk", "item"} and args["pk"] == "case":
            persona, swapped = "cate_worker", {**args, "pk": lambda w: other_case}
        elif set(args) == {"pk", "item_pk"}:
            persona, swapped = "team_leader", {**args, "pk": "other_meeting"}
        else:
            continue
        kwargs = {k: getattr(v(world) if callable(v) else world[v], "pk", None) for k, v in swapped.items()}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            status = getattr(clients[persona], method)(url).status_code
            assert status in (404, 405), (method, name, url, status)
        checked += 1
    assert checked >= 19

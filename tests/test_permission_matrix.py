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
    "contacts:same_name_set_detail": {"pk": "same_name_set"},
    **{f"contacts:{n}": {"pk": "child"} for n in ("child_edit", "child_merge", "child_restriction")},
    "contacts:merge_detail": {"pk": "merge"},
    "contacts:duplicate_detail": {"pk": "duplicate"},
    "cate:referral_detail": {"pk": "assigned"},
    "cate:assessment_start": {"pk": "awaiting"},
    "cate:assessment_edit": {"pk": "assigned"},
    "cate:assessment_outcome": {"pk": "assigned"},
    "cate:caseload_detail": {"user_pk": lambda w: w.personas["cate_worker"]},
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
    **{f"network:{n}": {"pk": "mace"} for n in ("mace_subject_add", "mace_subject_remove")},
    "network:person_merge": {"pk": "person"},
    "network:person_duplicate_detail": {"pk": "person_duplicate"},
    "network:person_merge_detail": {"pk": "person_merge"},
    **{f"network:{kind}_{page}": {"pk": kind} for kind in NETWORK_KINDS for page in NETWORK_RECORD_PAGES},
    "network:child_link_add": {"pk": "child"},
    "network:case_link_add": case,
    **{f"network:peer_group_{n}": {"pk": "peer_group"} for n in ("member_add", "place_add")},
    **{f"network:link_{n}": {"pk": "network_link"} for n in ("edit", "end", "withdraw")},
}
# fmt: on
QUERIES = {"reporting:annual_report_download": ANNUAL_QUERY}


# Columns: anonymous, advisor, screener, police, health, worker with the case, worker without, team leader,
# group manager, panel member invited, panel member not invited, auditor, administrator, Family Connect manager.
# fmt: off
MATRIX: dict[str, Row] = {
    "core:home": Row("L2222222222222", "LMMMMMMMMMMMMM"),
    "core:login": Row("2RRRRRRRRRRRRR", "2RRRRRRRRRRRRR"),
    "core:logout": Row("LMMMMMMMMMMMMM", "LLLLLLLLLLLLLL"),
    "core:otp_verify": Row("L2222222222222", "L2222222222222"),
    "core:otp_setup": Row("L2222222222222", "L2222222222222"),
    "core:otp_recovery_codes": Row("LRRRRRRRRRRRRR", "LRRRRRRRRRRRRR"),
    "core:enrolment_link": Row("22222222222222", "MMMMMMMMMMMMMM"),  # an e-mailed link is only opened
    "core:password_link": Row("22222222222222", "FFFFFFFFFFFFFF"),  # a form sent to a dead link is refused
    "core:account": Row("L2222222222222", "L2222222222222"),
    # Confirm it's you (a fresh sign-in before a sensitive action): an empty POST shows its errors.
    "core:reauth": Row("L2222222222222", "L2222222222222"),
    "core:notification_list": Row("L2222222222222", "LMMMMMMMMMMMMM"),
    "core:notification_open": Row("LNNNNRNNNNNNNN", "LMMMMMMMMMMMMM"),
    "core:notification_mark_all_read": Row("LMMMMMMMMMMMMM", "LRRRRRRRRRRRRR"),
    "core:settings": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "core:setting_changes": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "core:setting_edit": Row("LFFFFFFF2FFFFF", "LFFFFFFF2FFFFF"),
    "core:audit": Row("LFFFFFFFFFF2FF", "LMMMMMMMMMMMMM"),
    "core:locked_accounts": Row("LFFFFFF22FFF22", "LFFFFFF22FFF22"),
    "core:healthz": Row("22222222222222", "MMMMMMMMMMMMMM"),
    # Single sign-on: the test settings' provider is down, so starting sends everyone back to sign in.
    "core:sso_start": Row("LRRRRRRRRRRRRR", "MMMMMMMMMMMMMM"),
    "core:sso_callback": Row("LRRRRRRRRRRRRR", "MMMMMMMMMMMMMM"),
    "core:sso_reauth": Row("L2222222222222", "L2222222222222"),  # a local account: the password (core:reauth's)
    "core:sso_backchannel_logout": Row("MMMMMMMMMMMMMM", "BBBBBBBBBBBBBB"),  # the provider calls it, signed out
    "core:group_mappings": Row("LFFFFFFF2FFF2F", "LFFFFFFFFFFF2F"),
    "core:group_mapping_change": Row("LNNNNNNN2NNN2N", "LNNNNNNN2NNNFN"),
    "contacts:index": Row("L2222FF22FFFF2", "LMMMMMMMMMMMMM"),
    "contacts:queue": Row("L22FFFFFFFFFF2", "LMMMMMMMMMMMMM"),
    "contacts:contact_list": Row("L22FFFFFFFFFF2", "LMMMMMMMMMMMMM"),
    "contacts:contact_create": Row("L22FFFFFFFFFF2", "L22FFFFFFFFFF2"),
    "contacts:contact_detail": Row("L22NN2N2NNNNN2", "LMMMMMMMMMMMMM"),
    "contacts:contact_edit": Row("L22NNNNFFNNNN2", "L22NNNNFFNNNN2"),
    "contacts:contact_assign": Row("LMMMMMMMMMMMMM", "LFRNNNNFFNNNNR"),
    "contacts:contact_release": Row("LMMMMMMMMMMMMM", "LFRNNNNFFNNNNR"),
    "contacts:contact_link_child": Row("L22NNNNFFNNNN2", "LRRNNNNFFNNNNR"),
    "contacts:contact_entered_in_error": Row("LF2NNNNFFNNNN2", "LF2NNNNFFNNNN2"),
    "contacts:threshold_assess": Row("LF2NNNNFFNNNN2", "LF2NNNNFFNNNN2"),
    "contacts:mace_create": Row("LF2NNNNFFNNNN2", "LF2NNNNFFNNNN2"),
    "contacts:contact_decide": Row("LF2NNNNFFNNNN2", "LF2NNNNFFNNNN2"),
    "contacts:missing_cse_link": Row("LF2NNNNFFNNNN2", "LF2NNNNFFNNNN2"),
    "contacts:mace_list": Row("L2222FF22FFFF2", "LMMMMMMMMMMMMM"),
    "contacts:mace_detail": Row("L2222NN22NNNN2", "LMMMMMMMMMMMMM"),
    "contacts:mace_entry_create": Row("LMMMMMMMMMMMMM", "LFF22NNFFNNNNF"),
    "contacts:mace_close": Row("LMMMMMMMMMMMMM", "LFRFFNNFFNNNNR"),
    "contacts:mace_export": Row("LF222NNFFNNNN2", "LMMMMMMMMMMMMM"),
    "contacts:follow_up_list": Row("L22FFFFFFFFFF2", "LMMMMMMMMMMMMM"),
    "contacts:follow_up_complete": Row("LF2NNNNNNNNNN2", "LF2NNNNNNNNNN2"),
    # The safeguarding advisors' review list: the role the setting names (default Family Connect managers).
    "contacts:threshold_review_list": Row("LFFFFFFFFFFFF2", "LMMMMMMMMMMMMM"),
    "contacts:threshold_review_detail": Row("LNNNNNNNNNNNN2", "LNNNNNNNNNNNN2"),
    # Sets of child records sharing a name: the Family Connect managers', and a restricted record's named staff's.
    "contacts:same_name_set_list": Row("L22FF2222FFFF2", "LMMMMMMMMMMMMM"),
    "contacts:same_name_set_detail": Row("LNNNNNNNNNNNN2", "LNNNNNNNNNNNN2"),
    "contacts:child_search": Row("L22FFFF22FFFF2", "LMMMMMMMMMMMMM"),
    "contacts:child_create": Row("L22FFFFFFFFFF2", "L22FFFFFFFFFF2"),
    "contacts:child_detail": Row("L22NN2N22NNNN2", "LMMMMMMMMMMMMM"),
    "contacts:child_edit": Row("L22NNFNFFNNNN2", "L22NNFNFFNNNN2"),
    "contacts:child_merge": Row("LF2NNFNFFNNNN2", "LFRNNFNFFNNNNR"),
    "contacts:child_restriction": Row("LFFFFFF22FFFF2", "LFFFFFF22FFFF2"),
    "contacts:child_restriction_find": Row("LFFFFFF22FFFF2", "LMMMMMMMMMMMMM"),
    "contacts:duplicate_list": Row("LFFFFFFFFFFFF2", "LMMMMMMMMMMMMM"),
    "contacts:duplicate_detail": Row("LNNNNNNNNNNNN2", "LNNNNNNNNNNNN2"),
    "contacts:merge_list": Row("LF2FFFFFFFFF22", "LMMMMMMMMMMMMM"),
    "contacts:merge_detail": Row("LN2NNNNNNNNN22", "LNFNNNNNNNNN2F"),
    "contacts:anonymous_referral": Row("22222222222222", "22222222222222"),
    "contacts:anonymous_referral_sent": Row("RRRRRRRRRRRRRR", "MMMMMMMMMMMMMM"),
    "cate:index": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "cate:referral_list": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "cate:referral_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:assessment_start": Row("LNNNNNN22NNNNN", "LNNNNNN22NNNNN"),
    "cate:assessment_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:assessment_outcome": Row("LNNNNFN22NNNNN", "LNNNNFN22NNNNN"),
    "cate:my_caseload": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "cate:caseload_list": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "cate:caseload_detail": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "cate:case_list": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "cate:nrm_awaiting": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "cate:case_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:case_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:case_allocate": Row("LNNNNFN22NNNNN", "LNNNNFN22NNNNN"),
    "cate:chronology": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:significant_event_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:statutory_episode_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:statutory_episode_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:visit_list": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:visit_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:visit_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:risk_assessment_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:risk_assessment_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:risk_assessment_revise": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:missing_episode_list": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:missing_episode_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:missing_episode_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:missing_episode_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:rhi_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:nrm_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:gp_letter_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:gp_letter_pdf": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "cate:gp_letter_sent": Row("LNNNNRNRRNNNNN", "LNNNN2N22NNNNN"),
    "cate:gp_letter_closure": Row("LNNNN2N22NNNNN", "LNNNNRNRRNNNNN"),
    "cate:support_referral_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:support_referral_edit": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:disclosure_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:transition_meeting_add": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:closure_propose": Row("LNNNN2N22NNNNN", "LNNNN2N22NNNNN"),
    "cate:closure_decide": Row("LNNNNFNRRNNNNN", "LNNNNFNRRNNNNN"),
    "cate:case_reopen": Row("LNNNNFNRRNNNNN", "LNNNNFNRRNNNNN"),
    "riskpanel:index": Row("LFFFF222222FFF", "LMMMMMMMMMMMMM"),
    "riskpanel:panel_list": Row("LFFFFFF2222FFF", "LMMMMMMMMMMMMM"),
    "riskpanel:panel_schedule": Row("LFFFFFF2FFFFFF", "LFFFFFF2FFFFFF"),
    "riskpanel:panel_detail": Row("LNNNNNN222NNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:panel_edit": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:panel_open": Row("LMMMMMMMMMMMMM", "LNNNNNNRFFNNNN"),
    "riskpanel:panel_close": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:agenda_build": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:minutes_detail": Row("LNNNNNN222NNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:minutes_edit": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:minutes_pdf": Row("LNNNNNN222NNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:item_add": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:item_detail": Row("LNNNNNN222NNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:decision_record": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:decision_gp_letter": Row("LMMMMMMMMMMMMM", "LNNNNNNRFFNNNN"),
    "riskpanel:item_outcome": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:item_withdraw": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:item_refresh_paper": Row("LMMMMMMMMMMMMM", "LNNNNNNRFFNNNN"),
    "riskpanel:decision_action_add": Row("LNNNNNN2FFNNNN", "LNNNNNN2FFNNNN"),
    "riskpanel:case_list": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "riskpanel:case_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_new": Row("LNNNNRNRFNNNNN", "LNNNNRNRFNNNNN"),
    "riskpanel:case_action_add": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "riskpanel:strategy_meeting_list": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "riskpanel:strategy_meeting_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:strategy_meeting_record": Row("LNNNNFN2FNNNNN", "LNNNNFN2FNNNNN"),
    "riskpanel:strategy_meeting_action_add": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "riskpanel:safety_plan_detail": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_edit": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "riskpanel:safety_plan_agree": Row("LNNNNFN2FNNNNN", "LNNNNFN2FNNNNN"),
    "riskpanel:safety_plan_print": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:safety_plan_pdf": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:action_list": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    "riskpanel:action_list_by_owner": Row("LFFFF2222FFFFF", "LMMMMMMMMMMMMM"),
    # The world's action is owned by the police: their partner opens it, records progress and completes it
    # (changing or cancelling it stays with the case's workers).
    "riskpanel:partner_actions": Row("LFF22FFFFFFFFF", "LMMMMMMMMMMMMM"),
    "riskpanel:action_detail": Row("LNN2N2N22NNNNN", "LMMMMMMMMMMMMM"),
    "riskpanel:action_progress_add": Row("LNN2N2N2FNNNNN", "LNN2N2N2FNNNNN"),
    "riskpanel:action_edit": Row("LNNFN2N2FNNNNN", "LNNFN2N2FNNNNN"),
    "riskpanel:action_complete": Row("LNN2N2N2FNNNNN", "LNN2N2N2FNNNNN"),
    "riskpanel:action_cancel": Row("LNNFN2N2FNNNNN", "LNNFN2N2FNNNNN"),
    "reporting:index": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "reporting:item_list": Row("LFFFFFF22FFFFF", "LMMMMMMMMMMMMM"),
    "reporting:annual_report": Row("LFFFFFFF2FFFFF", "LMMMMMMMMMMMMM"),
    "reporting:annual_report_download": Row("LFFFFFFF2FFFFF", "LMMMMMMMMMMMMM"),
    # The network map of the world's child: those who read the network (police partners and the invited
    # panel member in their window too); a printable table is read with a fresh sign-in (just signed in here).
    "network:map": Row("LN22N22222NNN2", "LMMMMMMMMMMMMM"),
    "network:map_print": Row("LN22N22222NNN2", "LMMMMMMMMMMMMM"),
    "network:missing_episode": Row("LNNNN2N22NNNNN", "LMMMMMMMMMMMMM"),
    "network:missing_episode_place": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "network:missing_episode_person": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "network:mace_answer_link": Row("LN22NNNNNNNNN2", "LN22NNNNNNNNN2"),
    "network:mace_subject_add": Row("LF2FFNNFFNNNN2", "LF2FFNNFFNNNN2"),
    "network:mace_subject_remove": Row("LF2FFNNFFNNNN2", "LFRFFNNFFNNNNR"),
    # Merging persons of concern: team leaders and Family Connect managers; other readers of the network
    # are refused, to everyone else the pages do not exist.
    "network:person_merge": Row("LNFFNFF2FFNNN2", "LNFFNFFRFFNNNR"),
    "network:person_duplicate_list": Row("LNFFNFF2FFNNN2", "LMMMMMMMMMMMMM"),
    "network:person_duplicate_detail": Row("LNNNNNN2NNNNN2", "LNNNNNN2NNNNN2"),
    "network:person_merge_list": Row("LNFFNFF2FFNNN2", "LMMMMMMMMMMMMM"),
    "network:person_merge_detail": Row("LNNNNNN2NNNNN2", "LNNNNNN2NNNNN2"),
    # Hotspots and the cohort's profile: the analysts (team leaders, group managers, Family Connect managers).
    "network:hotspot_list": Row("LFFFFFF22FFFF2", "LMMMMMMMMMMMMM"),
    "network:cohort_profile": Row("LFFFFFF22FFFF2", "LMMMMMMMMMMMMM"),
    # The network: its readers (police partners, and the panel member while invited to an open panel, too)
    # read it; group managers and panel members only read (403 on forms); to anyone else it does not exist.
    "network:index": Row("LN22N22222NNN2", "LMMMMMMMMMMMMM"),
    **{f"network:{kind}_list": Row("LN22N22222NNN2", "LMMMMMMMMMMMMM") for kind in NETWORK_KINDS},
    **{f"network:{kind}_detail": Row("LN22N22222NNN2", "LMMMMMMMMMMMMM") for kind in NETWORK_KINDS},
    **{f"network:{kind}_{page}": Row("LN22N222FFNNN2", "LN22N222FFNNN2")
       for kind in NETWORK_KINDS for page in ("add", "edit", "entered_in_error", "link_add")},
    "network:child_link_add": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    # Linking from a case: those who may open the case (and record the network).
    "network:case_link_add": Row("LNNNN2N2FNNNNN", "LNNNN2N2FNNNNN"),
    "network:peer_group_member_add": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    "network:peer_group_place_add": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    "network:link_edit": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    "network:link_end": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    "network:link_withdraw": Row("LN22N222FFNNN2", "LN22N222FFNNN2"),
    "admin:index": Row("LLLLLLLLLLLL2L", "LLLLLLLLLLLL2L"),
    "admin:core_user_changelist": Row("LLLLLLLLLLLL2L", "LLLLLLLLLLLL2L"),
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


APPS = ("core", "contacts", "cate", "riskpanel", "network", "reporting", "admin")


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

"""Writes of CATE casework. Every service takes the acting user, checks permission, records
history with a reason and keeps the case chronology. One module per part of the casework; this
package re-exports the services the rest of the code calls."""

from ..rules import CaseOpening
from .allocation import case_allocate
from .assessment import assessment_record_outcome, assessment_start, assessment_update
from .casework import (
    case_set_risk_level,
    case_update,
    risk_assessment_record,
    risk_assessment_revise,
    statutory_episode_add,
    statutory_episode_update,
    visit_record,
    visit_update,
)
from .chronology import case_change, chronology_add_significant_event, chronology_record
from .closure import case_closure_approve, case_closure_propose, case_closure_return, case_reopen
from .letters import gp_letter_closure_write, gp_letter_create, gp_letter_mark_sent
from .missing import missing_episode_record, missing_episode_update, rhi_record
from .notes import case_note_add_addendum, case_note_create, case_note_update
from .nrm import nrm_referral_update
from .referrals import referral_create_from_contact
from .support import disclosure_record, support_referral_create, support_referral_update
from .transition import transition_meeting_record

__all__ = [
    "CaseOpening",
    "assessment_record_outcome",
    "assessment_start",
    "assessment_update",
    "case_allocate",
    "case_change",
    "case_closure_approve",
    "case_closure_propose",
    "case_closure_return",
    "case_note_add_addendum",
    "case_note_create",
    "case_note_update",
    "case_reopen",
    "case_set_risk_level",
    "case_update",
    "chronology_add_significant_event",
    "chronology_record",
    "disclosure_record",
    "gp_letter_closure_write",
    "gp_letter_create",
    "gp_letter_mark_sent",
    "missing_episode_record",
    "missing_episode_update",
    "nrm_referral_update",
    "referral_create_from_contact",
    "rhi_record",
    "risk_assessment_record",
    "risk_assessment_revise",
    "statutory_episode_add",
    "statutory_episode_update",
    "support_referral_create",
    "support_referral_update",
    "transition_meeting_record",
    "visit_record",
    "visit_update",
]

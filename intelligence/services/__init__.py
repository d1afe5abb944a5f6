"""Writes of intelligence and the disruption register, one module each.

Every service takes the acting user, checks the permission, validates (every fault at once) and
saves with history attributed to the actor."""

from .disruptions import disruption_agree, disruption_close, disruption_record
from .reports import report_feedback, report_grade, report_share, report_submit, write_to_chronologies
from .subjects import subject_match, subject_remove, subjects_link

__all__ = [
    "disruption_agree",
    "disruption_close",
    "disruption_record",
    "report_feedback",
    "report_grade",
    "report_share",
    "report_submit",
    "subject_match",
    "subject_remove",
    "subjects_link",
    "write_to_chronologies",
]

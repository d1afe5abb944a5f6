"""Code lists of CATE casework. Statuses change only along the ALLOWED_* tables."""

from django.db import models


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    LOW_MEDIUM = "low_medium", "Low-Medium"
    MEDIUM = "medium", "Medium"
    MEDIUM_HIGH = "medium_high", "Medium-High"
    HIGH = "high", "High"


RISK_ORDER = [RiskLevel.LOW, RiskLevel.LOW_MEDIUM, RiskLevel.MEDIUM, RiskLevel.MEDIUM_HIGH, RiskLevel.HIGH]


class RiskSource(models.TextChoices):
    ASSESSMENT = "assessment", "Worker's risk assessment"
    PANEL = "panel", "Risk panel decision"


class ReferralStatus(models.TextChoices):
    AWAITING_ASSESSMENT = "awaiting_assessment", "Awaiting detailed assessment"
    ASSESSMENT_IN_PROGRESS = "assessment_in_progress", "Assessment in progress"
    COMPLETED = "completed", "Assessment completed"


ALLOWED_REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.AWAITING_ASSESSMENT: frozenset({ReferralStatus.ASSESSMENT_IN_PROGRESS}),
    ReferralStatus.ASSESSMENT_IN_PROGRESS: frozenset({ReferralStatus.COMPLETED}),
    ReferralStatus.COMPLETED: frozenset(),
}


class AssessmentType(models.TextChoices):
    CATE = "cate", "CATE assessment"
    CHILD_AND_FAMILY = "child_and_family", "Child & Family assessment"


class AssessmentOutcome(models.TextChoices):
    OPENED_CATE = "opened_cate", "Opened to CATE"
    OPENED_STATUTORY = "opened_statutory", "Opened to statutory safeguarding only"
    OPENED_BOTH = "opened_both", "Opened to CATE and statutory safeguarding"
    SINGLE_AGENCY_EARLY_HELP = "single_agency_early_help", "Not opened: single-agency early help"
    EARLY_HELP_CSE_NOT_FACTOR = "early_help_cse_not_factor", "Not opened: CSE not a factor, early help"
    STATUTORY_CSE_NOT_FACTOR = "statutory_cse_not_factor", "Not opened: CSE not a factor, statutory safeguarding"
    EARLY_HELP_AFTER_CF = "early_help_after_cf", "Not opened: early help after a Child & Family assessment"


OPENING_OUTCOMES = frozenset(
    {AssessmentOutcome.OPENED_CATE, AssessmentOutcome.OPENED_STATUTORY, AssessmentOutcome.OPENED_BOTH}
)
# Outcomes that say CSE was not a factor, and the one that follows a Child & Family assessment.
CSE_NOT_A_FACTOR_OUTCOMES = frozenset(
    {AssessmentOutcome.EARLY_HELP_CSE_NOT_FACTOR, AssessmentOutcome.STATUTORY_CSE_NOT_FACTOR}
)
CHILD_AND_FAMILY_OUTCOMES = frozenset({AssessmentOutcome.EARLY_HELP_AFTER_CF})


class OpenTo(models.TextChoices):
    CATE = "cate", "CATE"
    STATUTORY = "statutory", "Statutory safeguarding"
    BOTH = "both", "CATE and statutory safeguarding"


# What a case opened with each opening outcome is open to.
OPEN_TO_BY_OUTCOME = {
    AssessmentOutcome.OPENED_CATE: "cate",
    AssessmentOutcome.OPENED_STATUTORY: "statutory",
    AssessmentOutcome.OPENED_BOTH: "both",
}


class Classification(models.TextChoices):
    VICTIM = "victim", "Victim: met the Inquiry's definition"
    AT_RISK = "at_risk", "At risk"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
    CLOSED = "closed", "Closed"


ALLOWED_CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.CLOSURE_PROPOSED}),
    CaseStatus.CLOSURE_PROPOSED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),  # returned, or approved
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),  # reopened
}
# A case is "live" (on a caseload, with things due) until its closure is approved.
LIVE_CASE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.CLOSURE_PROPOSED})


class ClosureStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    RETURNED = "returned", "Returned to the worker"
    APPROVED = "approved", "Approved"
    REOPENED = "reopened", "Case reopened"


ALLOWED_CLOSURE_TRANSITIONS: dict[str, frozenset[str]] = {
    ClosureStatus.PROPOSED: frozenset({ClosureStatus.APPROVED, ClosureStatus.RETURNED}),
    ClosureStatus.RETURNED: frozenset(),
    ClosureStatus.APPROVED: frozenset({ClosureStatus.REOPENED}),
    ClosureStatus.REOPENED: frozenset(),
}


class ClosureItemDecision(models.TextChoices):
    """The team leader's answer to the worker's reason for going ahead with something outstanding."""

    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned to the worker"


class StepDownDestination(models.TextChoices):
    NONE_NEEDED = "none_needed", "No further service needed"
    UNIVERSAL = "universal", "Universal services (school, GP, youth service)"
    EARLY_HELP = "early_help", "Early help"
    STATUTORY = "statutory", "Statutory safeguarding (child in need, child protection, child in care)"
    ADULT_SERVICES = "adult_services", "Adult services"
    OTHER_AREA = "other_area", "Moved to another local authority"
    OTHER = "other", "Other"


class StatutoryKind(models.TextChoices):
    CIN = "cin", "Child in need"
    CP = "cp", "Child protection plan"
    CIC = "cic", "Child in care"


class ChronologyKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    ASSESSMENT = "assessment", "Detailed assessment"
    OPENED = "opened", "Case opened"
    ALLOCATION = "allocation", "Allocation"
    VISIT = "visit", "Visit"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    RISK_LEVEL = "risk_level", "Risk level changed"
    MISSING = "missing", "Missing episode"
    RETURN_HOME_INTERVIEW = "rhi", "Return home interview"
    NRM = "nrm", "NRM referral"
    GP_LETTER = "gp_letter", "GP letter"
    SUPPORT_REFERRAL = "support_referral", "Support referral"
    DISCLOSURE = "disclosure", "Disclosure"
    STATUTORY = "statutory", "Statutory safeguarding"
    PANEL = "panel", "Risk panel"
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"
    SAFETY_PLAN = "safety_plan", "Safety plan"
    TRANSITION = "transition", "Post-17 transition"
    CLOSURE = "closure", "Closure"
    NETWORK = "network", "Network link"
    SIGNIFICANT_EVENT = "significant_event", "Significant event"
    OTHER = "other", "Other"


class VisitKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    OTHER = "other", "Other"


# Visits that count towards the expected frequency: the child is seen.
VISIT_KINDS_SEEING_THE_CHILD = frozenset({VisitKind.FACE_TO_FACE, VisitKind.VIDEO})


class RhiStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


# An interview offered can be held or declined; a child who declined can still be interviewed.
ALLOWED_RHI_TRANSITIONS: dict[str, frozenset[str]] = {
    RhiStatus.OFFERED: frozenset({RhiStatus.COMPLETED, RhiStatus.DECLINED}),
    RhiStatus.DECLINED: frozenset({RhiStatus.COMPLETED}),
    RhiStatus.COMPLETED: frozenset(),
}


class RhiLateReason(models.TextChoices):
    BACK_TO_BACK = "back_to_back", "Back-to-back missing episodes"
    BANK_HOLIDAY = "bank_holiday", "Bank holiday period"
    CHILD_UNAVAILABLE = "child_unavailable", "Child unavailable"
    OTHER = "other", "Other"


class NrmDecision(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    PENDING = "pending", "Pending"


class SupportService(models.TextChoices):
    CAMHS = "camhs", "CAMHS / emotional health"
    ISVA = "isva", "ISVA/ChISVA"
    AXIS = "axis", "Axis"
    HOLLY_PROJECT = "holly_project", "Holly Project"
    BASE_25 = "base_25", "Base 25"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    SARC = "sarc", "SARC"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    YOUTH_SERVICES = "youth_services", "Youth services"
    OTHER = "other", "Other"


class SupportStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WAITING = "waiting", "On waiting list"
    ENGAGED = "engaged", "Engaged"
    ENDED = "ended", "Ended"
    NOT_MEETING_THRESHOLD = "not_threshold", "Not meeting the service's threshold"
    NOT_ENGAGING = "not_engaging", "Not engaging"


# Support declined, or not engaged with, is offered again after `support_reoffer` (SCR Rec 8).
REOFFER_STATUSES = frozenset({SupportStatus.DECLINED, SupportStatus.NOT_ENGAGING})
# A sexual health check for every open CSE case (Rec 9): the sexual health service from 13, the SARC under 13.
SEXUAL_HEALTH_SERVICES = frozenset({SupportService.SEXUAL_HEALTH, SupportService.SARC})
SEXUAL_HEALTH_SERVICE_AGE = 13


class GpLetterTrigger(models.TextChoices):
    ALLOCATION = "allocation", "Allocation"
    PANEL = "panel", "Discussion at risk panel"
    CLOSURE = "closure", "Closure of the case"

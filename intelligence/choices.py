"""Kinds, grades and statuses of soft intelligence and disruption (issue 20; seed 001 §3.11-3.12).

The grading is the police's 3x5x2: source evaluation 1-3, intelligence assessment A-E, handling
code P (may be shared) or C (may be shared only under the conditions recorded)."""

from django.db import models


class SourceType(models.TextChoices):
    PCSO = "pcso", "Police community support officer (PCSO)"
    LICENSING = "licensing", "Licensing or enforcement officer"
    STREET_PASTOR = "street_pastor", "Street Pastor"
    TAXI_DRIVER = "taxi_driver", "Taxi driver"
    HOUSING = "housing", "Housing officer"
    SCHOOL = "school", "School or college"
    PUBLIC = "public", "Member of the public (anonymous online form)"
    OTHER_AGENCY = "other_agency", "Other agency"


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    KNOWN_INDIRECTLY = "B", "B: known indirectly, corroborated"
    KNOWN_INDIRECTLY_UNCORROBORATED = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: cannot be judged"
    SUSPECTED_FALSE = "E", "E: suspected to be false or malicious"


class HandlingCode(models.TextChoices):
    P = "P", "P: may be shared"
    C = "C", "C: may be shared only under the conditions recorded"


class Audience(models.TextChoices):
    """Who a piece of intelligence is shared with, and whom a handling condition lets read its original."""

    POLICE = "police", "Police"
    FAMILY_CONNECT = "family_connect", "Family Connect"
    CATE = "cate", "The CATE worker of each linked child"


class IntelligenceStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "Being reviewed"
    GRADED = "graded", "Graded"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    SHARED = "shared", "Shared with partners"
    ADDED_TO_NETWORK = "network", "Added to the network"
    DISRUPTION = "disruption", "Disruption planned"
    REFERRED = "referred", "Referred to the front door"
    INVESTIGATION = "investigation", "Passed to an investigation"


class SubjectKind(models.TextChoices):
    """What a reviewer matched the submitter's words to (the network's kinds of thing)."""

    CHILD = "child", "Child"
    PERSON = "person", "Person of concern"
    PLACE = "place", "Place"
    VEHICLE = "vehicle", "Vehicle"
    IDENTIFIER = "identifier", "Number or handle"


class Tactic(models.TextChoices):
    CAWN = "cawn", "Child Abduction Warning Notice"
    ARREST = "arrest", "Arrest"
    ANCILLARY_ORDER = "ancillary_order", "Ancillary order (SHPO, SRO and others)"
    LICENSING = "licensing", "Licensing referral or action"
    PREMISES = "premises", "Premises closure or licence conditions"
    PATROL = "patrol", "Patrol tasking"
    BUSINESSES = "businesses", "Engagement with businesses"
    MISSING_SHARING = "missing_sharing", "Information sharing about missing children"


class DisruptionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    AWAITING_AGREEMENT = "awaiting_agreement", "Awaiting the police's agreement"
    AGREED = "agreed", "Agreed by the police"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


ALLOWED_DISRUPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    DisruptionStatus.PLANNED: frozenset({DisruptionStatus.DONE, DisruptionStatus.CANCELLED}),
    DisruptionStatus.AWAITING_AGREEMENT: frozenset({DisruptionStatus.AGREED, DisruptionStatus.CANCELLED}),
    DisruptionStatus.AGREED: frozenset({DisruptionStatus.DONE, DisruptionStatus.CANCELLED}),
    DisruptionStatus.DONE: frozenset(),
    DisruptionStatus.CANCELLED: frozenset(),
}
OPEN_DISRUPTION = frozenset({DisruptionStatus.PLANNED, DisruptionStatus.AWAITING_AGREEMENT, DisruptionStatus.AGREED})

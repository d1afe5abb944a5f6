"""Code lists of the front door. Statuses change only along ALLOWED_TRANSITIONS."""

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """DfE children's-services ethnicity codes."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SendStatus(models.TextChoices):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan (EHCP)"
    NOT_KNOWN = "not_known", "Not known"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another record"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    DIFFERENT = "different", "Different children"


ALLOWED_DUPLICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    DuplicateStatus.OPEN: frozenset({DuplicateStatus.MERGED, DuplicateStatus.DIFFERENT}),
    DuplicateStatus.MERGED: frozenset(),
    DuplicateStatus.DIFFERENT: frozenset(),
}


class DuplicateFoundWhen(models.TextChoices):
    ADDED = "added", "Record added"
    CHANGED = "changed", "Record changed"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    PROFESSIONAL_FORM = "professional_form", "Professional online form"
    ANONYMOUS_FORM = "anonymous_form", "Anonymous online form"
    OUT_OF_HOURS = "out_of_hours", "Out of hours"
    PLACING_AUTHORITY = "placing_authority", "Placing-authority notification"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    POLICE = "police", "Police"
    COUNCIL = "council", "Council"
    SCHOOLS_COLLEGES = "schools_colleges", "Schools/colleges"
    NHS = "nhs", "NHS"
    ANONYMOUS = "anonymous", "Anonymous"
    INDIVIDUAL = "individual", "Individual"
    OTHER_AGENCIES = "other_agencies", "Other agencies"
    NOT_KNOWN = "not_known", "Not known"


class ThresholdLevel(models.TextChoices):
    UNIVERSAL = "universal", "Universal"
    VULNERABLE = "vulnerable", "Vulnerable"
    COMPLEX = "complex", "Complex"
    ACUTE = "acute", "Acute"


class FactorLevel(models.TextChoices):
    NOT_PRESENT = "not_present", "Not present"
    UNIVERSAL = "universal", "Universal"
    VULNERABLE = "vulnerable", "Vulnerable"
    COMPLEX = "complex", "Complex"
    ACUTE = "acute", "Acute"


# The ten child-exploitation factors of the threshold guidance (000:L48-57).
class ExploitationFactor(models.TextChoices):
    RUNNING_AWAY = "running_away", "Running away/going missing"
    COERCION = "coercion", "Coercion/control"
    RISKY_CONTACTS = "risky_contacts", "Contacts with abusive persons and/or risky environments"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    EDUCATION = "education", "Education"
    SOCIAL_MEDIA = "social_media", "Use of social media/technology"
    HEALTH = "health", "Emotional & physical health and sexual health"
    ACCOMMODATION = "accommodation", "Accommodation and family relationships"
    OFFENDING = "offending", "Offending/criminal activity"
    ISOLATION = "isolation", "Community/social isolation factors"


class ContactStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting_screening", "Awaiting screening"
    IN_SCREENING = "in_screening", "In screening"
    DECIDED = "decided", "Decided"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


ALLOWED_CONTACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContactStatus.AWAITING_SCREENING: frozenset(
        {ContactStatus.IN_SCREENING, ContactStatus.DECIDED, ContactStatus.ENTERED_IN_ERROR}
    ),
    ContactStatus.IN_SCREENING: frozenset(
        {ContactStatus.AWAITING_SCREENING, ContactStatus.DECIDED, ContactStatus.ENTERED_IN_ERROR}
    ),
    ContactStatus.DECIDED: frozenset({ContactStatus.ENTERED_IN_ERROR}),
    ContactStatus.ENTERED_IN_ERROR: frozenset(),
}


class Outcome(models.TextChoices):
    INFORMATION_ADVICE = "information_advice", "Information, advice and support"
    EARLY_HELP = "early_help", "Early help: referred to another agency"
    CATE_OR_STATUTORY = "cate_or_statutory", "Referred to CATE and/or statutory safeguarding"


class ThresholdStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"


# A draft is saved with any part written; completing it checks every part. A complete assessment
# changes only by a revision, itself complete, with its reason.
ALLOWED_THRESHOLD_TRANSITIONS: dict[str, frozenset[str]] = {
    ThresholdStatus.DRAFT: frozenset({ThresholdStatus.COMPLETE}),
    ThresholdStatus.COMPLETE: frozenset(),
}


class MaceStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# The order of levels, for "the highest factor" (not present ranks below Universal).
FACTOR_RANK: dict[str, int] = {
    FactorLevel.NOT_PRESENT: 0,
    FactorLevel.UNIVERSAL: 1,
    FactorLevel.VULNERABLE: 2,
    FactorLevel.COMPLEX: 3,
    FactorLevel.ACUTE: 4,
}
THRESHOLD_RANK: dict[str, int] = {
    ThresholdLevel.UNIVERSAL: 1,
    ThresholdLevel.VULNERABLE: 2,
    ThresholdLevel.COMPLEX: 3,
    ThresholdLevel.ACUTE: 4,
}


def highest_threshold_of(factor_levels) -> str:
    """The threshold level matching the highest factor level (Universal when none is present)."""
    rank = max((FACTOR_RANK[FactorLevel(level)] for level in factor_levels), default=0)
    for level, level_rank in THRESHOLD_RANK.items():
        if level_rank == max(rank, 1):
            return level
    raise AssertionError("unreachable")


class PracticeStatus(models.TextChoices):
    """Status codes of NHS England's organisation data (ODS)."""

    ACTIVE = "A", "Active"
    CLOSED = "C", "Closed"
    DORMANT = "D", "Dormant"
    PROPOSED = "P", "Proposed"


# The states the MACE list filters by (contacts.selectors.mace_request_list_for_user).
MACE_LIST_STATES = [
    ("", "Any"),
    ("open", "Open"),
    ("awaiting", "Open, awaiting an answer"),
    ("overdue", "Open, an answer overdue"),
    ("closed", "Closed"),
]


# --- The front door's loops (issue 24) ---------------------------------------------------------

# Who the front door answers with an acknowledgement and, when decided, the outcome: a professional
# at once; a parent, relative or member of the public only when the screener decides so.
PROFESSIONAL_SOURCES = frozenset(
    {Source.POLICE, Source.COUNCIL, Source.SCHOOLS_COLLEGES, Source.NHS, Source.OTHER_AGENCIES}
)
COMPLEX_OR_ACUTE = frozenset({ThresholdLevel.COMPLEX, ThresholdLevel.ACUTE})


class ReferrerOutcomeChoice(models.TextChoices):
    SEND = "send", "Send the outcome to the referrer"
    WITHHOLD = "withhold", "Do not send the outcome"


class ReferrerMessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    OUTCOME = "outcome", "Outcome"


class ThresholdReviewOutcome(models.TextChoices):
    AGREED = "agreed", "Agreed with the screening"
    ADVICE = "advice", "Advice given to the screener"
    ESCALATED = "escalated", "Escalated"


class ContactKind(models.TextChoices):
    CONCERN = "concern", "A concern about a child"
    MISSING_FROM_HOME = "missing_from_home", "Missing from home"
    MISSING_FROM_EDUCATION = "missing_from_education", "Missing from education"


class SameNameOutcome(models.TextChoices):
    MERGED = "merged", "Merged: the records are one child"
    DIFFERENT = "different", "Different children"
    ESCALATED = "escalated", "Escalated"

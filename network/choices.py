"""Kinds and statuses of the exploitation network (seed 001 §3.11-3.12)."""

from django.db import models


class NodeKind(models.TextChoices):
    CHILD = "child", "Child"
    CASE = "case", "CATE case"
    PERSON = "person", "Person of concern"
    PLACE = "place", "Place"
    VEHICLE = "vehicle", "Vehicle"
    IDENTIFIER = "identifier", "Number or handle"
    PEER_GROUP = "peer_group", "Peer group"


class NetworkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another record"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class PersonKind(models.TextChoices):
    SUSPECTED_PERPETRATOR = "suspect", "Suspected perpetrator"
    ASSOCIATE = "associate", "Associate"
    ADULT_RISK = "adult_risk", "Adult who poses a risk"
    PEER = "peer", "Peer (a child or young person)"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_21 = "18_21", "18 to 21"
    AGE_22_24 = "22_24", "22 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_UP = "45_up", "45 and over"
    NOT_KNOWN = "not_known", "Not known"


class Relationship(models.TextChoices):
    """How a person of concern knows a child (seed 001 L119-120, L758-759)."""

    ACQUAINTANCE = "acquaintance", "Acquaintance"
    STRANGER = "stranger", "Stranger"
    PEER = "peer", "Peer"
    FAMILY = "family", "Family"
    PROFESSIONAL = "professional", "Professional"
    ONLINE = "online", "Online contact"


class PoliceStatus(models.TextChoices):
    INTELLIGENCE = "intelligence", "Intelligence only"
    SUSPECT = "suspect", "Suspect"
    ARRESTED = "arrested", "Arrested"
    BAIL = "bail", "On bail"
    CHARGED = "charged", "Charged"
    CONVICTED = "convicted", "Convicted"
    NFA = "nfa", "No further action"


class CustodyStatus(models.TextChoices):
    NOT_IN_CUSTODY = "not_in_custody", "Not in custody"
    REMANDED = "remanded", "Remanded in custody"
    SERVING = "serving", "Serving a sentence"
    ON_LICENCE = "on_licence", "Released on licence"
    NOT_KNOWN = "not_known", "Not known"


class PlaceKind(models.TextChoices):
    ADDRESS = "address", "Home address"
    HOTEL = "hotel", "Hotel"
    BED_AND_BREAKFAST = "bnb", "Bed and breakfast"
    TAKEAWAY = "takeaway", "Takeaway or fast food"
    SHOP = "shop", "Shop"
    PARK = "park", "Park or open space"
    HMO = "hmo", "House of multiple occupation"
    PROVIDER_FLAT = "provider_flat", "Registered-provider flat"
    NIGHTCLUB = "nightclub", "Nightclub or bar"
    SCHOOL = "school", "School or college"
    RURAL = "rural", "Rural location"
    ONLINE = "online", "Online space"
    OTHER = "other", "Other"


class VehicleKind(models.TextChoices):
    HACKNEY = "hackney", "Hackney carriage"
    PRIVATE_HIRE = "private_hire", "Private hire vehicle"
    TRADE = "trade", "Trade car"
    PRIVATE = "private", "Private"
    NOT_KNOWN = "not_known", "Not known"


class IdentifierKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    HANDLE = "handle", "Social media or messaging handle"
    EMAIL = "email", "E-mail address"


class Platform(models.TextChoices):
    SNAPCHAT = "snapchat", "Snapchat"
    INSTAGRAM = "instagram", "Instagram"
    WHATSAPP = "whatsapp", "WhatsApp"
    TIKTOK = "tiktok", "TikTok"
    FACEBOOK = "facebook", "Facebook"
    TELEGRAM = "telegram", "Telegram"
    X = "x", "X (Twitter)"
    DISCORD = "discord", "Discord"
    OTHER = "other", "Other"


class LinkKind(models.TextChoices):
    SEEN_WITH = "seen_with", "Seen with"
    ASSOCIATES_WITH = "associates_with", "Associates with"
    FOUND_WITH = "found_with", "Found with"
    GOES_MISSING_TO = "goes_missing_to", "Goes missing to"
    FOUND_AT = "found_at", "Found at"
    FREQUENTS = "frequents", "Frequents"
    LIVES_AT = "lives_at", "Lives at"
    WORKS_AT = "works_at", "Works at or runs"
    DRIVES = "drives", "Drives"
    SEEN_IN = "seen_in", "Seen in (vehicle)"
    USES_NUMBER = "uses_number", "Uses number or handle"
    CONTACTED_BY = "contacted_by", "Contacted by"
    MEMBER_OF = "member_of", "Member of"
    USES_PLACE = "uses_place", "Uses the place"
    SIBLING = "sibling", "Sibling"
    FAMILY = "family", "Family"
    SUBJECT_OF = "subject_of", "Subject of (case)"
    OTHER = "other", "Other"


class LinkSource(models.TextChoices):
    CONTACT = "contact", "Front-door contact"
    MACE = "mace", "MACE answer"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    RHI = "rhi", "Return home interview"
    INTELLIGENCE = "intelligence", "Intelligence"
    PANEL = "panel", "Risk panel"
    CASEWORK = "casework", "Casework"
    OTHER = "other", "Other"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    REPORTED = "reported", "Reported"
    SUSPECTED = "suspected", "Suspected"


class LinkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn (entered in error)"
    # Joined with the same link of the record a person was merged into (kept, with why, for a reversal).
    MERGED = "merged", "Joined with the same link on merging two records"


class DuplicateStatus(models.TextChoices):
    """A possible duplicate pair of persons of concern."""

    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    DIFFERENT = "different", "Different people"


ALLOWED_DUPLICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    DuplicateStatus.OPEN: frozenset({DuplicateStatus.MERGED, DuplicateStatus.DIFFERENT}),
    DuplicateStatus.MERGED: frozenset(),
    DuplicateStatus.DIFFERENT: frozenset(),
}


class DuplicateFoundWhen(models.TextChoices):
    ADDED = "added", "Record added"
    CHANGED = "changed", "Record changed"


# --- Contexts as subjects (issue 19: Contextual Safeguarding) ----------------------------------


class ContextAssessmentKind(models.TextChoices):
    """Which context assessment triangle the assessment follows (the Contextual Safeguarding
    Network's toolkit: neighbourhood and location, school, peer group; an online space is assessed
    as a location is, with its own prompts)."""

    LOCATION = "location", "Location assessment"
    SCHOOL = "school", "School assessment"
    ONLINE = "online", "Online space assessment"
    PEER_GROUP = "peer_group", "Peer-group assessment"


class ContextAssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"
    WITHDRAWN = "withdrawn", "Withdrawn"


ALLOWED_CONTEXT_ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContextAssessmentStatus.DRAFT: frozenset({ContextAssessmentStatus.COMPLETE, ContextAssessmentStatus.WITHDRAWN}),
    ContextAssessmentStatus.COMPLETE: frozenset(),
    ContextAssessmentStatus.WITHDRAWN: frozenset(),
}


class ContextJudgement(models.TextChoices):
    """The assessor's judgement of the harm young people meet in the context."""

    NO_CONCERN = "no_concern", "No concern: the context is safe"
    LOW = "low", "Low: some concern, universal services can respond"
    MODERATE = "moderate", "Moderate: harm is present and needs a multi-agency plan"
    SIGNIFICANT = "significant", "Significant: young people are at significant harm there"


class ContextPlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


ALLOWED_CONTEXT_PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    ContextPlanStatus.OPEN: frozenset({ContextPlanStatus.CLOSED}),
    ContextPlanStatus.CLOSED: frozenset(),
}


class ContextPlanOutcome(models.TextChoices):
    HARM_REDUCED = "harm_reduced", "Harm reduced: the context is safer"
    NO_LONGER_USED = "no_longer_used", "Young people no longer use the context"
    TRANSFERRED = "transferred", "Handed to another plan or service"
    NO_CHANGE = "no_change", "Closed without the change intended"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class ContextReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    CHANGE = "change", "Change the plan"
    CLOSE = "close", "Recommend closing the plan"


class ContextItemKind(models.TextChoices):
    """Why a context is on a context panel's agenda."""

    ASSESSMENT = "assessment", "Context assessment"
    PLAN_REVIEW = "plan_review", "Context plan review"
    CONCERN = "concern", "Concern about a context"


# The kinds of network record a context panel (and a context assessment) is about.
CONTEXT_NODE_KINDS = frozenset({NodeKind.PLACE, NodeKind.PEER_GROUP})

"""The network's models: the network itself (`records`) and contexts as subjects (`contexts`)."""

from .contexts import (
    ContextAssessment,
    ContextAssessmentChild,
    ContextPlan,
    ContextPlanAction,
    ContextPlanReview,
    ContextReferral,
)
from .panels import ContextPanel, ContextPanelAction, ContextPanelAttendance, ContextPanelItem
from .records import (
    Identifier,
    Link,
    MaceSubject,
    NetworkRecord,
    Node,
    PeerGroup,
    Person,
    PersonDuplicate,
    PersonMerge,
    PersonNameKey,
    Place,
    Vehicle,
)

__all__ = [
    "ContextAssessment",
    "ContextAssessmentChild",
    "ContextPanel",
    "ContextPanelAction",
    "ContextPanelAttendance",
    "ContextPanelItem",
    "ContextPlan",
    "ContextPlanAction",
    "ContextPlanReview",
    "ContextReferral",
    "Identifier",
    "Link",
    "MaceSubject",
    "NetworkRecord",
    "Node",
    "PeerGroup",
    "Person",
    "PersonDuplicate",
    "PersonMerge",
    "PersonNameKey",
    "Place",
    "Vehicle",
]

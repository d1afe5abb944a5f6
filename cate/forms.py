"""Forms of CATE casework: they shape and check input; services do the rest."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from contacts.choices import ExploitationFactor, FactorLevel
from core import clock
from core.forms import GovukDateField, GovukDateTimeField, GovukForm, ReasonField, VersionedFormMixin
from core.models import Agency, Team

from . import rules
from .choices import (
    AssessmentOutcome,
    AssessmentType,
    Classification,
    ClosureItemDecision,
    NrmDecision,
    OpenTo,
    RhiLateReason,
    RhiStatus,
    RiskLevel,
    StatutoryKind,
    StepDownDestination,
    SupportService,
    SupportStatus,
    VisitKind,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
EXPLOITATION_TYPES = [
    ("cse", "Child sexual exploitation (CSE)"),
    ("cce", "Child criminal exploitation (CCE)"),
    ("other", "Other exploitation"),
]


def yes_no_field(label: str, *, required: bool = True, message: str = "", **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message or f"Select yes or no: {label[0].lower()}{label[1:]}"},
        **kwargs,
    )


def yes_no_initial(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def radios(choices, label: str, message: str, *, required: bool = True, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": message},
        **kwargs,
    )


def text(label: str, *, required: bool = False, message: str = "", max_length: int | None = None, rows=None, **kw):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}"},
        **kw,
    )


def date_as_moment(day: dt.date) -> dt.datetime:
    """A date entered for something that happened: now when it is today, else midday that day."""
    if day == timezone.localdate():
        return timezone.now()
    return clock.at_local(day, dt.time(12, 0))


def exploitation_initial(case) -> list[str]:
    return [
        code for code, present in (("cse", case.cse), ("cce", case.cce), ("other", case.other_exploitation)) if present
    ]


class ExploitationMixin(forms.Form):
    exploitation_types = forms.MultipleChoiceField(
        label="Types of exploitation",
        choices=EXPLOITATION_TYPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    classification = forms.ChoiceField(
        label="Classification",
        choices=Classification.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="A victim met the definition used by the Inquiry; otherwise the child is at risk.",
    )

    def exploitation(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data.get("exploitation_types") or [])
        return {"cse": "cse" in chosen, "cce": "cce" in chosen, "other_exploitation": "other" in chosen}


# --- Referral and assessment ---------------------------------------------------------------


class AssessmentStartForm(GovukForm):
    assessment_type = radios(AssessmentType.choices, "Type of assessment", "Select the type of assessment")
    author = forms.ModelChoiceField(
        queryset=None,
        label="Who writes the assessment",
        error_messages={"required": "Select who writes the assessment", "invalid_choice": "Select a member of staff"},
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = holders
        self.fields["author"].empty_label = "Select a member of staff"


class AssessmentForm(VersionedFormMixin, AssessmentStartForm):
    cse_is_factor = forms.TypedChoiceField(
        label="Is CSE a factor?",
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not known yet")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    summary = text("Summary of the assessment", rows=8)

    field_order = ["assessment_type", "author", "cse_is_factor", "summary"]


class AssessmentOutcomeForm(VersionedFormMixin, ExploitationMixin, GovukForm):
    """Completing a detailed assessment (its draft is `AssessmentForm`): every part it still needs
    is named at once (`rules.assessment_completion_errors`, the rule the service applies)."""

    outcome = radios(AssessmentOutcome.choices, "Outcome", "Select the outcome of the assessment")
    cse_is_factor = yes_no_field("Is CSE a factor?", message="Select whether CSE is a factor")
    completed_on = GovukDateField(
        label="Date completed", past_only=True, error_messages={"required": "Enter the date completed"}
    )
    summary = text("Summary of the assessment", rows=6)

    field_order = ["outcome", "cse_is_factor", "completed_on", "exploitation_types", "classification", "summary"]

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.fields["exploitation_types"].help_text = "When the case is opened. Select all that apply."
        self.fields[
            "classification"
        ].help_text = "When the case is opened: a victim met the definition used by the Inquiry; otherwise at risk."

    def clean(self):
        data = super().clean()
        if self.assessment is not None:
            completed_on = data.get("completed_on")
            errors = rules.assessment_completion_errors(
                assessment_type=self.assessment.assessment_type,
                started_at=self.assessment.started_at,
                outcome=data.get("outcome") or "",
                cse_is_factor=data.get("cse_is_factor"),
                completed_at=date_as_moment(completed_on) if completed_on else None,
                summary=data.get("summary") or self.assessment.summary,
                opening=rules.CaseOpening(**self.exploitation(), classification=data.get("classification") or ""),
                now=timezone.now(),
            )
            for field, message in errors.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data


class CaseDetailsForm(VersionedFormMixin, ExploitationMixin, GovukForm):
    open_to = radios(OpenTo.choices, "Open to", "Select what the case is open to")
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})

    field_order = ["open_to", "exploitation_types", "classification", "reason"]

    def __init__(self, *args, can_classify: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].required = True
        self.fields["classification"].error_messages["required"] = "Select whether the child is a victim or at risk"
        if not can_classify:
            self.fields["classification"].disabled = True
            self.fields["classification"].help_text = "Only a team leader or group manager can change this."


class AllocationForm(VersionedFormMixin, GovukForm):
    worker = forms.ModelChoiceField(
        queryset=None,
        label="Allocate to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the case is allocated to", "invalid_choice": "Select a worker"},
    )
    reason = text("Note on the allocation (optional)", rows=3, max_length=500)
    over_limit_reason = text(
        "Reason for allocating past the caseload limit",
        rows=3,
        max_length=500,
        help_text="Needed only when the worker already holds as many cases as the limit.",
    )

    def __init__(self, *args, holders, counts: dict[int, int], limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        field.queryset = holders
        field.label_from_instance = lambda user: (
            f"{user} – {counts.get(user.pk, 0)} of {limit} cases"
            + (" (at or past the limit)" if counts.get(user.pk, 0) >= limit else "")
        )


# --- Case records --------------------------------------------------------------------------


class StatutoryEpisodeForm(GovukForm):
    kind = radios(StatutoryKind.choices, "Statutory safeguarding", "Select the kind of statutory safeguarding")
    start = GovukDateField(label="Start date", past_only=True, error_messages={"required": "Enter the start date"})
    end = GovukDateField(label="End date (if it has ended)", past_only=True, required=False)


class StatutoryEpisodeEditForm(VersionedFormMixin, GovukForm):
    start = GovukDateField(label="Start date", past_only=True, error_messages={"required": "Enter the start date"})
    end = GovukDateField(label="End date (if it has ended)", past_only=True, required=False)


class SignificantEventForm(GovukForm):
    occurred_at = GovukDateTimeField(
        label="When it happened", past_only=True, error_messages={"required": "Enter when it happened"}
    )
    summary = text("What happened", required=True, max_length=300, message="Enter what happened")
    detail = text("More detail (optional)", rows=5)


class VisitForm(VersionedFormMixin, GovukForm):
    visited_at = GovukDateTimeField(
        label="Date and time of the visit",
        past_only=True,
        error_messages={"required": "Enter the date and time of the visit"},
    )
    kind = radios(VisitKind.choices, "Type of visit", "Select the type of visit")
    location = text("Where", max_length=200)
    seen_alone = forms.TypedChoiceField(
        label="Was the young person seen alone?",
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not recorded")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = text("Notes", rows=6)


class RiskAssessmentForm(VersionedFormMixin, GovukForm):
    assessed_at = GovukDateTimeField(
        label="Date and time of the assessment",
        past_only=True,
        error_messages={"required": "Enter the date and time of the assessment"},
    )

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in ExploitationFactor:
            self.fields[f"{factor.value}_level"] = forms.ChoiceField(
                label=f"{factor.label}: level",
                choices=[("", "Select a level"), *FactorLevel.choices],
                error_messages={"required": f"Select a level for {factor.label.lower()}"},
            )
            self.fields[f"{factor.value}_evidence"] = forms.CharField(
                label=f"{factor.label}: evidence",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["overall_level"] = radios(
            list(reversed(RiskLevel.choices)), "Overall risk level", "Select the overall risk level"
        )
        self.fields["summary"] = text("Summary", rows=5)
        self.fields["young_person_views"] = text(
            "The young person's views", required=True, rows=5, message="Enter the young person's views"
        )
        self.fields["family_views"] = text(
            "The family's views", required=True, rows=5, message="Enter the family's views"
        )
        if revising:
            self.fields["reason"] = ReasonField(
                label="Reason for the revision", error_messages={"required": "Enter the reason for the revision"}
            )

    def factor_fields(self):
        return [
            (factor, self[f"{factor.value}_level"], self[f"{factor.value}_evidence"]) for factor in ExploitationFactor
        ]

    def factors(self) -> dict:
        data = self.cleaned_data
        return {
            f.value: {"level": data.get(f"{f.value}_level", ""), "evidence": data.get(f"{f.value}_evidence", "")}
            for f in ExploitationFactor
        }

    @staticmethod
    def initial_from(assessment) -> dict:
        initial = {
            "version": assessment.version,
            "assessed_at": assessment.assessed_at,
            "overall_level": assessment.overall_level,
            "summary": assessment.summary,
            "young_person_views": assessment.young_person_views,
            "family_views": assessment.family_views,
        }
        for code, entry in assessment.factors.items():
            initial[f"{code}_level"] = entry.get("level", "")
            initial[f"{code}_evidence"] = entry.get("evidence", "")
        return initial


class MissingEpisodeForm(VersionedFormMixin, GovukForm):
    missing_from = GovukDateTimeField(
        label="When the young person went missing",
        past_only=True,
        error_messages={"required": "Enter when the young person went missing"},
    )
    returned_at = GovukDateTimeField(
        label="When they returned or were found (if they have)", past_only=True, required=False
    )
    reported_by = text("Reported missing by", max_length=200, help_text="For example, mother, carer, residential home.")
    police_reference = text("Police reference", max_length=50)
    where_found = text("Where they were found", max_length=300)
    rhi_eligible = yes_no_field(
        "Is a return home interview due?", message="Select whether a return home interview is due"
    )
    rhi_ineligible_reason = text("If not, why not", rows=3)


class ReturnHomeInterviewForm(VersionedFormMixin, GovukForm):
    status = radios(RhiStatus.choices, "The interview was", "Select whether it was offered, held or declined")
    offered_at = GovukDateTimeField(label="When it was offered", past_only=True, required=False)
    completed_at = GovukDateTimeField(label="When it was held", past_only=True, required=False)
    declined_at = GovukDateTimeField(label="When the young person declined", past_only=True, required=False)
    conducted_by = forms.ModelChoiceField(queryset=None, label="Held by", required=False)
    conducted_by_other = text(
        "Held by someone else (name, role and agency)",
        max_length=200,
        help_text="When it was not a member of staff here.",
    )
    child_said = text("What the young person said", rows=6)
    support_identified = text("Support identified", rows=4)
    late_reason = radios(
        RhiLateReason.choices,
        "Why it was late (if it was held or declined after it was due)",
        "",
        required=False,
    )
    late_reason_detail = text("More about why it was late", rows=3)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conducted_by"].queryset = staff
        self.fields["conducted_by"].empty_label = "Someone else"


class NrmReferralForm(VersionedFormMixin, GovukForm):
    referred_on = GovukDateField(label="Date the referral was made", past_only=True, required=False)
    reasonable_grounds = forms.ChoiceField(
        label="Reasonable grounds decision", choices=[("", "Not yet"), *NrmDecision.choices], required=False
    )
    reasonable_grounds_on = GovukDateField(
        label="Date of the reasonable grounds decision", past_only=True, required=False
    )
    conclusive_grounds = forms.ChoiceField(
        label="Conclusive grounds decision", choices=[("", "Not yet"), *NrmDecision.choices], required=False
    )
    conclusive_grounds_on = GovukDateField(
        label="Date of the conclusive grounds decision", past_only=True, required=False
    )

    def clean(self):
        data = super().clean()
        errors = rules.nrm_errors(
            referred_on=data.get("referred_on"),
            reasonable_grounds=data.get("reasonable_grounds") or "",
            reasonable_grounds_on=data.get("reasonable_grounds_on"),
            conclusive_grounds=data.get("conclusive_grounds") or "",
            conclusive_grounds_on=data.get("conclusive_grounds_on"),
        )
        for field, message in errors.items():
            if field not in self.errors:  # a date not understood is named once, as what it is
                self.add_error(field, message)
        return data


class GpLetterSentForm(VersionedFormMixin, GovukForm):
    sent_on = GovukDateField(label="Date sent", past_only=True, error_messages={"required": "Enter the date sent"})


class SupportReferralForm(VersionedFormMixin, GovukForm):
    service = forms.ChoiceField(
        label="Service",
        choices=[("", "Select a service"), *SupportService.choices],
        error_messages={"required": "Select the service"},
    )
    service_other = text("Name of the service (if other)", max_length=200)
    referred_on = GovukDateField(
        label="Date referred", past_only=True, error_messages={"required": "Enter the date referred"}
    )
    status = forms.ChoiceField(
        label="Status", choices=SupportStatus.choices, error_messages={"required": "Select the status"}
    )
    first_appointment_on = GovukDateField(label="First appointment (optional)", required=False)
    outcome = text("Outcome (optional)", rows=4)
    follow_up_on = GovukDateField(label="Follow-up date (optional)", required=False)
    sessions_offered = forms.IntegerField(
        label="Sessions offered",
        initial=0,
        min_value=0,
        max_value=500,
        error_messages={"required": "Enter the sessions offered (0 if none yet)", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    sessions_attended = forms.IntegerField(
        label="Sessions attended",
        initial=0,
        min_value=0,
        max_value=500,
        help_text="Declined or not engaging: the support is offered again after three months (a setting)",
        error_messages={"required": "Enter the sessions attended (0 if none yet)", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["service"].disabled = True
            self.fields["service"].required = False


class DisclosureForm(GovukForm):
    disclosed_on = GovukDateField(
        label="Date of the disclosure", past_only=True, error_messages={"required": "Enter the date of the disclosure"}
    )
    made_to_worker = yes_no_field(
        "Was the disclosure made to the allocated CATE worker?",
        message="Select whether the disclosure was made to the allocated CATE worker",
        help_text=(
            "If it was, they become a likely witness and should not support the young person at interview or in court."
        ),
    )
    made_to_other = text("If not, who it was made to (name and role)", max_length=200)
    summary = text("Summary of the disclosure", required=True, rows=6, message="Enter a summary of the disclosure")


class TransitionMeetingForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the meeting", past_only=True, error_messages={"required": "Enter the date of the meeting"}
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        label="Agencies that attended",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Adult social care should attend to plan the move to adult services.",
    )
    attendees = text("Who attended", rows=3)
    decisions = text("Decisions", required=True, rows=5, message="Enter the decisions")
    onward_support_plan = text("Onward support plan", required=True, rows=5, message="Enter the onward support plan")


class ClosureProposeForm(VersionedFormMixin, GovukForm):
    """The proposal, and the worker's reason to close all the same for each thing still outstanding
    (`outstanding`: core.contract.Outstanding items; those no reason overrides get no field)."""

    reason = text("Reason for closing", required=True, rows=5, message="Enter the reason for closing the case")
    exit_plan = text("Exit plan", required=True, rows=5, message="Enter the exit plan")
    step_down_destination = radios(
        StepDownDestination.choices, "Where the case steps down to", "Select where the case steps down to"
    )
    step_down_detail = text("If other, where", max_length=200)

    def __init__(self, *args, outstanding=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outstanding = [item for item in outstanding if item.overridable]
        for item in self.outstanding:
            self.fields[rules.outstanding_field(item.code)] = text(
                item.message,
                required=True,
                rows=3,
                message=f"Enter your reason to close the case all the same: {item.message}",
                help_text="Your reason to close the case all the same",
            )

    def proposal_fields(self) -> list:
        return [self[name] for name in ("version", "reason", "exit_plan", "step_down_destination", "step_down_detail")]

    def reason_fields(self) -> list:
        return [self[rules.outstanding_field(item.code)] for item in self.outstanding]

    def proposal(self) -> dict:
        """The service's arguments, from the cleaned data."""
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "exit_plan": data["exit_plan"],
            "step_down_destination": data["step_down_destination"],
            "step_down_detail": data["step_down_detail"],
            "outstanding_reasons": {
                item.code: data.get(rules.outstanding_field(item.code), "") for item in self.outstanding
            },
        }


ITEM_ANSWERS = [
    (ClosureItemDecision.ACCEPTED, "Accept the reason"),
    (ClosureItemDecision.RETURNED, "Return it to the worker"),
]


class ClosureDecisionForm(VersionedFormMixin, GovukForm):
    """The team leader's decision, and their answer to each reason the worker gave (`items`: the
    proposal's ClosureItems; `still_outstanding`: the codes of those not dealt with since). The
    service says which answers are missing."""

    decision = radios(
        [("approve", "Approve the closure"), ("return", "Return it to the worker")],
        "Your decision",
        "Select whether to approve or return the closure",
        help_text="If you return any of the reasons given above, the closure goes back to the worker.",
    )
    note = text("Note", rows=4, help_text="Needed when you return it: say what the worker should do.")

    def __init__(self, *args, items=(), still_outstanding=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        fields = {
            rules.closure_item_field(item.pk): radios(
                ITEM_ANSWERS,
                item.message,
                "",
                required=False,
                help_text=f"Reason given: {item.reason}"
                + ("" if item.code in still_outstanding else " (Dealt with since the closure was proposed.)"),
            )
            for item in self.items
        }
        self.fields = {**fields, **self.fields}

    def item_fields(self) -> list:
        return [self[rules.closure_item_field(item.pk)] for item in self.items]

    def decision_fields(self) -> list:
        return [self[name] for name in ("version", "decision", "note")]

    def item_decisions(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(rules.closure_item_field(item.pk), "") for item in self.items}


class ReopenForm(VersionedFormMixin, GovukForm):
    reason = text("Why the case is reopened", required=True, rows=4, message="Enter why the case is reopened")


class ClosureLetterForm(GovukForm):
    """Nothing to enter: the button writes the letter telling the GP practice of the closure."""


# --- Lists ---------------------------------------------------------------------------------


class CaseListFilterForm(GovukForm):
    """Search and filters of the list of cases (as the front door's lists have)."""

    text = forms.CharField(
        label="Young person's name, case reference or worker",
        max_length=100,
        required=False,
        error_messages={"max_length": "Search must be 100 characters or fewer"},
    )
    view = forms.ChoiceField(label="Status", required=False)
    worker = forms.ModelChoiceField(label="Worker", queryset=None, required=False, empty_label="Anyone")
    team = forms.ModelChoiceField(label="Team", queryset=None, required=False, empty_label="Any team")
    risk = forms.ChoiceField(
        label="Risk level", required=False, choices=[("", "Any"), *RiskLevel.choices, ("none", "Not set")]
    )
    due = forms.ChoiceField(label="Due or overdue", required=False)

    def __init__(self, *args, views, dues, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["view"].choices = views
        self.fields["due"].choices = [("", "Any"), *dues]
        self.fields["worker"].queryset = workers
        self.fields["team"].queryset = Team.objects.filter(is_active=True).order_by("name")

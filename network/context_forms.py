"""Forms of contexts as subjects (issue 19). They shape and validate input; network.services.contexts
writes (and checks again, every fault at once)."""

from __future__ import annotations

from django import forms

from core.forms import DraftFormMixin, GovukDateField, GovukForm, ReasonField, VersionedFormMixin
from riskpanel.forms import active_agencies

from . import context_rules as rules
from .choices import ContextJudgement, ContextPlanOutcome, ContextReviewDecision


def _area(label, *, required=False, hint="", rows=4, required_message=""):
    return forms.CharField(
        label=label,
        max_length=rules.MAX_TEXT,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


class ContextSearchForm(GovukForm):
    q = forms.CharField(label="Name, address or postcode of the place or group", max_length=200, required=False)


class ContextChoiceForm(GovukForm):
    """Which place or peer group the contact is about (from the search's matches)."""

    context = forms.ChoiceField(
        label="Which place or group is the contact about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the place or group", "invalid_choice": "Choose the place or group"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["context"].choices = list(choices)


class RemovalForm(GovukForm):
    reason = ReasonField(label="Why is it taken off?", error_messages={"required": "Enter the reason"})


class AssessmentOpenForm(GovukForm):
    """Opening an assessment asks nothing: it is a draft, due by the timescale."""


class AssessmentForm(DraftFormMixin, VersionedFormMixin, GovukForm):
    partners_consulted = forms.ModelMultipleChoiceField(
        label="Partners consulted",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The agencies that hold the place or know the group: police, licensing, housing, transport, "
        "schools, youth services",
    )
    partners_detail = _area("Who was consulted and what they said", rows=3)
    young_people_views = _area("Young people's views", hint="What young people say about the place or group")
    community_views = _area(
        "The community's views", hint="Residents, businesses, staff, parents: what they see and what they would change"
    )
    strengths = _area("Strengths", hint="What already keeps young people safe there")
    harms = _area("Harms found")
    judgement = forms.ChoiceField(
        label="Judgement",
        choices=ContextJudgement.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    judgement_reason = _area("Reasons for the judgement", rows=3)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["partners_consulted"].queryset = active_agencies()
        self.domain_names = []
        for domain in rules.domains_of(kind):
            name = f"domain_{domain.code}"
            self.fields[name] = _area(domain.label, hint=domain.guidance)
            self.domain_names.append(name)
        self.fields["judgement"].choices = list(ContextJudgement.choices)

    @property
    def domain_fields(self):
        return [self[name] for name in self.domain_names]

    def completeness_errors(self, data: dict) -> dict[str, str]:
        _, errors = rules.assessment_errors(
            kind=self.kind,
            domains=self.domains(data),
            texts=data,
            judgement=data.get("judgement") or "",
            partner_count=len(data.get("partners_consulted") or ()),
            complete=True,
        )
        return errors

    def domains(self, data: dict) -> dict:
        return {name.removeprefix("domain_"): data.get(name) or "" for name in self.domain_names}

    def service_args(self, data: dict) -> dict:
        return {
            "domains": self.domains(data),
            "partners_consulted": list(data.get("partners_consulted") or ()),
            **{name: data.get(name) or "" for name in rules.TEXT_FIELDS},
            "judgement": data.get("judgement") or "",
            "finalise": self.finalising,
        }

    @staticmethod
    def initial_for(assessment) -> dict:
        initial = {f"domain_{code}": text for code, text in (assessment.domains or {}).items()}
        initial.update({name: getattr(assessment, name) for name in rules.TEXT_FIELDS})
        initial["judgement"] = assessment.judgement
        initial["partners_consulted"] = [agency.pk for agency in assessment.partners_consulted.all()]
        initial["version"] = assessment.version
        return initial


class WithdrawForm(VersionedFormMixin, GovukForm):
    reason = ReasonField(label="Why is it withdrawn?", error_messages={"required": "Enter why it is withdrawn"})


class AffectedChildForm(GovukForm):
    child = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, error_messages={"required": "Choose the child"}
    )


class PlanForm(VersionedFormMixin, GovukForm):
    intended_change = _area(
        "The change the plan intends",
        required=True,
        hint="What should be different about the place or group, and how you will know",
        required_message="Enter the change the plan intends",
    )
    next_review_on = GovukDateField(
        label="First review by",
        required=False,
        help_text="Leave empty for the usual interval. For example, 27 3 2027",
    )


class PlanChangeForm(VersionedFormMixin, GovukForm):
    intended_change = PlanForm.base_fields["intended_change"]


class ReviewForm(VersionedFormMixin, GovukForm):
    reviewed_on = GovukDateField(
        label="Date of the review", past_only=True, error_messages={"required": "Enter the date of the review"}
    )
    progress = _area("What has changed in the context", required=True, required_message="Enter what has changed")
    decision = forms.ChoiceField(
        label="Decision",
        choices=ContextReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the review's decision"},
    )
    next_review_on = GovukDateField(
        label="Next review by", required=False, help_text="Leave empty for the usual interval"
    )


class CloseForm(VersionedFormMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ContextPlanOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the plan's outcome"},
    )
    outcome_detail = _area("What changed, or why the plan closes", required=True, required_message="Say what changed")

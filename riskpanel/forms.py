"""Forms of the risk panel. They shape and validate input; services do the writing."""

from __future__ import annotations

from django import forms

from cate.choices import RISK_ORDER, RiskLevel
from core.forms import DraftFormMixin, GovukDateField, GovukDateTimeField, GovukForm, VersionedFormMixin
from core.models import Agency

from . import selectors
from .choices import ItemKind
from .rules import SAFETY_PLAN_FIELDS, safety_plan_missing

YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(rows: int = 5):
    return forms.Textarea(attrs={"rows": rows})


def active_agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.agency})" if obj.agency_id else str(obj)


# --- Panels ----------------------------------------------------------------------------------


class _PanelPeopleMixin(forms.Form):
    location = forms.CharField(
        label="Where the panel meets",
        required=False,
        max_length=200,
        help_text="A room, or how to join online.",
    )
    chair = forms.ModelChoiceField(
        label="Chair", queryset=None, required=False, empty_label="Not decided yet", widget=forms.Select
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies attending",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.ModelMultipleChoiceField(
        label="Panel members invited",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the agenda and the papers of the children on it while the panel is open, and only then.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = selectors.panel_chair_choices()
        self.fields["agencies"].queryset = active_agencies()
        self.fields["members"].queryset = selectors.panel_member_choices()


class PanelScheduleForm(_PanelPeopleMixin, GovukForm):
    first_meets_at = GovukDateTimeField(
        label="Date and time of the first panel",
        required=False,
        help_text="For example, 27 3 2026 and 10:00. Later panels follow at the interval in the settings.",
    )
    count = forms.IntegerField(
        label="How many panels to schedule",
        min_value=1,
        max_value=26,
        initial=4,
        error_messages={
            "required": "Enter how many panels to schedule",
            "invalid": "Enter a whole number",
            "min_value": "Enter a number from 1 to 26",
            "max_value": "Enter a number from 1 to 26",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )

    def __init__(self, *args, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = first
        if first:
            self.fields["first_meets_at"].required = True
        else:
            # Later panels follow the schedule, with the chair, agencies and members of the last one.
            for name in ("first_meets_at", "location", "chair", "agencies", "members"):
                del self.fields[name]
        self.order_fields(["first_meets_at", "count", "location", "chair", "agencies", "members"])


class PanelForm(VersionedFormMixin, _PanelPeopleMixin, GovukForm):
    meets_at = GovukDateTimeField(
        label="Date and time",
        help_text="For example, 27 3 2026 and 10:00.",
        error_messages={"required": "Enter the date and time the panel meets"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["meets_at", "location", "chair", "agencies", "members", "version"])


# --- Agenda ----------------------------------------------------------------------------------


class AgendaItemAddForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of item is it?",
        choices=[(k.value, k.label) for k in (ItemKind.INFORMATION_SHARING, ItemKind.PLACING_AUTHORITY_REQUEST)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of item"},
    )
    case_reference = forms.CharField(
        label="CATE case reference (if the child has a case)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    title = forms.CharField(
        label="What the item is about",
        required=False,
        max_length=200,
        help_text="Needed when the child has no CATE case, for example a young person placed here by another council.",
    )
    placing_authority = forms.CharField(label="Placing authority", required=False, max_length=200)
    presenting_agency = forms.ModelChoiceField(
        label="Agency bringing the item", queryset=None, required=False, empty_label="Not known"
    )
    details = forms.CharField(
        label="What the panel is asked to consider",
        widget=_textarea(),
        error_messages={"required": "Enter what the panel is asked to consider"},
    )
    paper = forms.CharField(
        label="Paper for the panel",
        required=False,
        widget=_textarea(8),
        help_text="For a child with a case, leave this empty: the worker's latest risk assessment is used.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenting_agency"].queryset = active_agencies()


class AgendaChooseForm(GovukForm):
    """The due cases the chair puts on the agenda (the page lays them out as a table)."""

    cases = forms.TypedMultipleChoiceField(
        label="Cases due at this panel",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one case to add to the agenda",
            "invalid_choice": "Some of the cases you chose are no longer due at this panel: choose again from the list",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(c.case.pk, c.case.child.full_name) for c in candidates]


class PanelCloseForm(GovukForm):
    """Why each item not decided was not: it goes to the next panel with that reason."""

    reason_for_others = forms.CharField(
        label="Reason for every item left without its own reason",
        required=False,
        max_length=1000,
        widget=_textarea(2),
        help_text="For example: the panel ran out of time.",
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = item.case.child.full_name if item.case_id else item.title
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=f"Why was {name} not decided?", required=False, max_length=1000, widget=_textarea(2)
            )
        self.order_fields([f"reason_{item.pk}" for item in items] + ["reason_for_others"])

    def reasons(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"reason_{item.pk}", "") for item in self.items}


class PanelMinutesForm(VersionedFormMixin, GovukForm):
    """Attendance and apologies by agency, and the discussion of each item: any part may be left
    empty in a draft."""

    other_business = forms.CharField(label="Any other business", required=False, widget=_textarea(4))

    def __init__(self, *args, agencies, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies, self.items = list(agencies), list(items)
        for agency in self.agencies:
            self.fields[f"present_{agency.pk}"] = forms.CharField(
                label=f"Who attended from {agency}",
                required=False,
                widget=_textarea(2),
                help_text="Names and roles, one a line.",
            )
            self.fields[f"apologies_{agency.pk}"] = forms.CharField(
                label=f"Apologies from {agency}", required=False, widget=_textarea(2)
            )
        for item in self.items:
            name = item.case.child.full_name if item.case_id else item.title
            self.fields[f"discussion_{item.pk}"] = forms.CharField(
                label=f"What the panel discussed about {name}", required=False, widget=_textarea(5)
            )

    @classmethod
    def initial_from(cls, minutes, items) -> dict:
        if minutes is None:
            return {"version": 0}
        initial = {"version": minutes.version, "other_business": minutes.other_business}
        for row in minutes.attendance.all():
            initial[f"present_{row.agency_id}"] = row.present
            initial[f"apologies_{row.agency_id}"] = row.apologies
        for item in items:
            initial[f"discussion_{item.pk}"] = item.minutes_discussion
        return initial

    def agency_rows(self) -> list:
        return [(a, self[f"present_{a.pk}"], self[f"apologies_{a.pk}"]) for a in self.agencies]

    def item_rows(self) -> list:
        return [(item, self[f"discussion_{item.pk}"]) for item in self.items]

    def attendance(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {a.pk: (data.get(f"present_{a.pk}", ""), data.get(f"apologies_{a.pk}", "")) for a in self.agencies}

    def discussions(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"discussion_{item.pk}", "") for item in self.items}


class AgendaItemWithdrawForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Why is the item withdrawn?",
        widget=_textarea(3),
        max_length=1000,
        error_messages={"required": "Enter why the item is withdrawn"},
    )


class AgendaItemOutcomeForm(VersionedFormMixin, GovukForm):
    outcome = forms.CharField(
        label="What the panel agreed",
        widget=_textarea(),
        error_messages={"required": "Enter what the panel agreed"},
    )


class PanelDecisionForm(VersionedFormMixin, GovukForm):
    risk_level = forms.ChoiceField(
        label="Risk level agreed by the panel",
        choices=[(level.value, level.label) for level in reversed(RISK_ORDER)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk level the panel agreed"},
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=_textarea(6),
        error_messages={"required": "Enter the reasons for the panel's decision"},
    )
    next_review_on = GovukDateField(
        label="Next review by",
        required=False,
        future_only=True,
        help_text="Leave empty to use the review interval for the risk level in the settings.",
    )
    send_gp_letter = forms.BooleanField(
        label="Generate the letter telling the child's GP that the child was discussed at the panel",
        required=False,
        initial=True,
    )

    def clean_risk_level(self):
        return RiskLevel(self.cleaned_data["risk_level"])


# --- Strategy meetings -----------------------------------------------------------------------


class StrategyMeetingForm(VersionedFormMixin, GovukForm):
    held_at = GovukDateTimeField(
        label="When the meeting was held",
        past_only=True,
        help_text="For example, 27 3 2026 and 14:30.",
    )
    attending_agencies = forms.ModelMultipleChoiceField(
        label="Agencies that attended",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the agencies that attended"},
    )
    attendees = forms.CharField(
        label="Who attended, by agency",
        widget=_textarea(4),
        help_text="One agency a line, with the names and roles of those who came.",
        error_messages={"required": "Enter who attended, by agency"},
    )
    discussion = forms.CharField(
        label="Discussion",
        widget=_textarea(6),
        error_messages={"required": "Enter what was discussed"},
    )
    support_for_parents = forms.CharField(
        label="Support for parents or carers",
        widget=_textarea(4),
        error_messages={"required": "Enter the support for parents or carers, or why there is none"},
    )
    disruption_actions = forms.CharField(
        label="Action against those exploiting the child",
        widget=_textarea(4),
        help_text="Disruption and investigation, by agency.",
        error_messages={"required": "Enter the action against those exploiting the child, or why there is none"},
    )
    resolution_reached = forms.BooleanField(
        label="The case has reached resolution: no further strategy meeting reviews",
        required=False,
    )
    exit_plan = forms.CharField(
        label="Exit plan",
        required=False,
        widget=_textarea(4),
        help_text="Needed when the case has reached resolution.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attending_agencies"].queryset = active_agencies()

    def clean(self):
        data = super().clean()
        if data.get("resolution_reached") and not (data.get("exit_plan") or "").strip():
            self.add_error("exit_plan", "Enter the exit plan")
        return data


# --- Safety plans ----------------------------------------------------------------------------


class SafetyPlanForm(DraftFormMixin, VersionedFormMixin, GovukForm):
    """The sections of a safety plan (scrutiny Recs 11 and 13), in words a family can read. It
    saves as a draft with any sections written; agreeing it (`intent=finalise`, offered to those who
    may agree) needs every section in rules.SAFETY_PLAN_NEEDED and takes the review date too."""

    risks = forms.CharField(
        label="What we are worried about",
        widget=_textarea(5),
        required=False,
        help_text="The risks to the young person, in plain words.",
    )
    keeping_safe = forms.CharField(label="What helps keep the young person safe", widget=_textarea(5), required=False)
    who_does_what = forms.CharField(
        label="Who will do what, and by when",
        widget=_textarea(6),
        required=False,
        help_text="One thing a line: who, what, by when.",
    )
    key_worker = forms.CharField(
        label="Key worker",
        max_length=200,
        required=False,
        help_text="The name of the young person's key worker.",
        error_messages={"max_length": "Enter the key worker's name in 200 characters or fewer"},
    )
    key_worker_contact = forms.CharField(
        label="How to contact the key worker",
        max_length=200,
        required=False,
        help_text="A phone number or e-mail address.",
        error_messages={"max_length": "Enter how to contact the key worker in 200 characters or fewer"},
    )
    out_of_hours_contacts = forms.CharField(
        label="Out-of-hours numbers",
        widget=_textarea(3),
        required=False,
        help_text="Who to call in the evening, at night and at weekends. In an emergency, call 999.",
    )
    other_contacts = forms.CharField(
        label="Other people to contact", widget=_textarea(3), required=False, help_text="Trusted adults, services."
    )
    young_person_involvement = forms.CharField(
        label="How the young person was involved", widget=_textarea(3), required=False
    )
    young_person_said = forms.CharField(label="What the young person said", widget=_textarea(4), required=False)
    family_involvement = forms.CharField(
        label="How parents or carers were involved",
        widget=_textarea(3),
        required=False,
        help_text="If they were not involved, say why.",
    )
    family_said = forms.CharField(label="What parents or carers said", widget=_textarea(4), required=False)
    on_child_protection_plan = forms.TypedChoiceField(
        label="Is the young person on a child protection plan?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    SECTIONS = SAFETY_PLAN_FIELDS

    def __init__(self, *args, may_agree: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.finalising = self.finalising and may_agree
        if may_agree:
            self.fields["review_due_on"] = GovukDateField(
                label="Review by (when you agree the plan)",
                required=False,
                future_only=True,
                help_text="Leave empty to use the safety plan review interval in the settings, "
                "or choose an earlier date. For example, 27 3 2026.",
            )

    def completeness_errors(self, data: dict) -> dict[str, str]:
        return safety_plan_missing(data)

    @classmethod
    def initial_from(cls, plan) -> dict:
        initial = {name: getattr(plan, name) for name in cls.SECTIONS}
        initial["on_child_protection_plan"] = {True: "yes", False: "no"}.get(plan.on_child_protection_plan)
        return initial

    def sections(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SECTIONS}


class SafetyPlanAgreeForm(VersionedFormMixin, GovukForm):
    review_due_on = GovukDateField(
        label="Review by",
        required=False,
        future_only=True,
        help_text="Leave empty to use the safety plan review interval in the settings, or choose an earlier date.",
    )


# --- Actions ---------------------------------------------------------------------------------


class ActionForm(VersionedFormMixin, GovukForm):
    description = forms.CharField(
        label="What is to be done",
        widget=_textarea(3),
        error_messages={"required": "Enter what is to be done"},
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency that owns the action",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = StaffChoiceField(
        label="Person who owns the action",
        queryset=None,
        required=False,
        empty_label="Someone without an account here",
    )
    owner_name = forms.CharField(
        label="Name and role of the owner, if they have no account here",
        required=False,
        max_length=200,
    )
    due_on = GovukDateField(
        label="Due by",
        help_text="For example, 27 3 2026.",
        error_messages={"required": "Enter the date the action is due"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = active_agencies()
        self.fields["owner"].queryset = selectors.action_owner_choices()

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner", "Choose the person who owns the action, or enter their name")
        return data


class ActionCompleteForm(VersionedFormMixin, GovukForm):
    completion_note = forms.CharField(
        label="What was done",
        widget=_textarea(4),
        error_messages={"required": "Enter what was done"},
    )


class ActionProgressForm(GovukForm):
    note = forms.CharField(
        label="What has been done so far",
        help_text="The case's worker reads this in the case chronology.",
        widget=_textarea(5),
        error_messages={"required": "Enter what has been done so far"},
    )


class ActionCancelForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Why is the action cancelled?",
        widget=_textarea(3),
        error_messages={"required": "Enter why the action is cancelled"},
    )


class ActionFilterForm(GovukForm):
    agency = forms.ModelChoiceField(label="Agency", queryset=None, required=False, empty_label="All agencies")
    owner = StaffChoiceField(label="Owner", queryset=None, required=False, empty_label="Anyone")
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = active_agencies()
        self.fields["owner"].queryset = selectors.action_owner_choices()

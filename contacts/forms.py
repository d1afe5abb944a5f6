"""Forms of the front door. They shape and validate input; services do the writing."""

from __future__ import annotations

from django import forms

from core.forms import DraftFormMixin, GovukDateField, GovukDateTimeField, GovukForm, ReasonField, VersionedFormMixin
from core.models import Agency

from . import rules, search
from .choices import (
    MACE_LIST_STATES,
    Channel,
    ContactKind,
    ContactStatus,
    Ethnicity,
    ExploitationFactor,
    FactorLevel,
    Gender,
    Outcome,
    ReferrerOutcomeChoice,
    SendStatus,
    Source,
    ThresholdLevel,
)
from .validators import nhs_number_is_valid

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]


def _text(label, *, max_length, required=False, hint="", width="", required_message=""):
    attrs = {"class": width} if width else {}
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": required_message} if required_message else {},
    )


def _area(label, *, max_length, required=False, hint="", rows=4, required_message=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


def _bool_from_choice(value: str):
    return {"yes": True, "no": False}.get(value)


def _choice_from_bool(value) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


# --- Children ------------------------------------------------------------------------------


class ChildSearchForm(GovukForm):
    name = _text("Name", max_length=100, hint="First name, last name or a name they are known by")
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past_only=True, help_text="For example, 27 3 2011"
    )
    postcode = _text("Postcode", max_length=10, width="govuk-input--width-10")
    nhs_number = _text("NHS number", max_length=12, width="govuk-input--width-10", hint="10 digits, like 943 476 5919")

    def clean_nhs_number(self):
        value = search.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value and not nhs_number_is_valid(value):
            raise forms.ValidationError("Enter a real NHS number, like 943 476 5919")
        return value

    def query(self) -> search.ChildQuery:
        data = self.cleaned_data
        return search.ChildQuery(
            name=data.get("name", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
        )


class ChildForm(VersionedFormMixin, GovukForm):
    first_name = _text("First name", max_length=100)
    last_name = _text("Last name", max_length=100)
    known_as = _text(
        "Other names they are known by", max_length=200, hint="Nicknames and other names, separated by commas"
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past_only=True, help_text="For example, 27 3 2011"
    )
    estimated_age = forms.IntegerField(
        label="Estimated age, if the date of birth is not known",
        required=False,
        min_value=0,
        max_value=25,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the estimated age as a whole number of years",
            "min_value": "Estimated age must be 0 or more",
            "max_value": "Estimated age must be 25 or less",
        },
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        initial=Gender.NOT_KNOWN,
        error_messages={"required": "Select the child's gender, or Not known"},
    )
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=[("", "Not recorded"), *Ethnicity.choices], required=False)
    address = _area("Address", max_length=500, rows=3)
    postcode = _text("Postcode", max_length=10, width="govuk-input--width-10")
    school = _text("School or college", max_length=200)
    gp_practice_code = _text(
        "GP practice code",
        max_length=10,
        width="govuk-input--width-5",
        hint="The practice's code in the NHS register of GP practices (ODS code), like M83001",
    )
    gp_practice = _text(
        "GP practice name, if it has no code in the register", max_length=200, hint="For a practice not in the register"
    )
    nhs_number = _text("NHS number", max_length=12, width="govuk-input--width-10", hint="10 digits, like 943 476 5919")
    send_status = forms.ChoiceField(
        label="Special educational needs and disabilities (SEND)",
        choices=SendStatus.choices,
        widget=forms.RadioSelect,
        initial=SendStatus.NOT_KNOWN,
        error_messages={"required": "Select whether the child has special educational needs, or Not known"},
    )
    receiving_education = forms.ChoiceField(
        label="Is the child receiving an education?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        initial="unknown",
        error_messages={"required": "Select whether the child is receiving an education, or Not known"},
    )
    attendance_percent = forms.DecimalField(
        label="Latest attendance (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter attendance as a number, like 87.5",
            "min_value": "Attendance must be 0 or more",
            "max_value": "Attendance must be 100 or less",
            "max_decimal_places": "Enter attendance with no more than 2 decimal places",
        },
    )
    attendance_recorded_on = GovukDateField(label="Date of the attendance figure", required=False, past_only=True)
    in_care = forms.BooleanField(label="The child is in care", required=False)
    placing_authority = _text(
        "Placing authority", max_length=200, hint="When the child is placed here by another local authority"
    )

    def clean_nhs_number(self):
        value = search.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value and not nhs_number_is_valid(value):
            raise forms.ValidationError("Enter a real NHS number, like 943 476 5919")
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if value and not search.postcode_is_valid(value):
            raise forms.ValidationError("Enter a real postcode, like TF1 1AA")
        return search.normalise_postcode(value)

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or data.get("last_name") or data.get("known_as")):
            self.add_error("first_name", "Enter the child's name, or a name they are known by")
        if data.get("date_of_birth") and data.get("estimated_age") is not None:
            self.add_error("estimated_age", "Leave the estimated age empty when you know the date of birth")
        if data.get("attendance_percent") is not None and not data.get("attendance_recorded_on"):
            self.add_error("attendance_recorded_on", "Enter the date of the attendance figure")
        if data.get("placing_authority") and not data.get("in_care"):
            self.add_error("placing_authority", "Leave the placing authority empty, or say that the child is in care")
        return data

    def child_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("confirm_new", None)
        data["receiving_education"] = _bool_from_choice(data["receiving_education"])
        return data

    @classmethod
    def initial_for(cls, child) -> dict:
        from .services import CHILD_FIELDS

        initial = {name: getattr(child, name) for name in CHILD_FIELDS}
        initial["receiving_education"] = _choice_from_bool(child.receiving_education)
        initial["gp_practice_code"] = child.registered_practice_id or ""
        initial["version"] = child.version
        return initial


class ChildCreateForm(ChildForm):
    confirm_new = forms.BooleanField(
        label="I have checked these records: none of them is this child. Add a new record.", required=False
    )


class ChildEditForm(ChildForm):
    reason = ReasonField(label="Reason for the change", error_messages={"required": "Enter the reason for the change"})


class MergeForm(GovukForm):
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record to keep"},
    )
    reason = ReasonField(
        label="Why are these records the same child?",
        error_messages={"required": "Enter why these records are the same child"},
    )

    def __init__(self, *args, child, other, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(child.pk), f"Keep {child.full_name} (child {child.pk})"),
            (str(other.pk), f"Keep {other.full_name} (child {other.pk})"),
        ]


class MergeReverseForm(GovukForm):
    reason = ReasonField(
        label="Why is the merge being reversed?", error_messages={"required": "Enter why the merge is being reversed"}
    )


class DuplicateResolveForm(VersionedFormMixin, GovukForm):
    decision = forms.ChoiceField(
        label="Are these records the same child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these records are the same child"},
    )
    reason = ReasonField(label="How do you know?", error_messages={"required": "Enter how you know"})

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        kept, merged = pair.kept_and_merged
        stays = ", which stays restricted" if kept.is_restricted else ""
        self.fields["decision"].choices = [
            ("same", f"Yes, the same child: merge child {merged.pk} into child {kept.pk}{stays}"),
            ("different", "No, they are different children"),
        ]


class ChildRestrictionForm(VersionedFormMixin, GovukForm):
    is_restricted = forms.TypedChoiceField(
        label="Who may see this child's record?",
        choices=[("yes", "Only the staff named below"), ("no", "Everyone whose role lets them see it")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may see this child's record"},
    )
    staff = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Other staff who may see the record",
        help_text="Managers who are not named cannot see it either. Those always named are not listed here.",
        widget=forms.CheckboxSelectMultiple,
    )
    reason = ReasonField(label="Reason for the change", error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username}" + (f", {user.agency}" if user.agency_id else "")
        )


class ChildRestrictionFindForm(GovukForm):
    child = forms.IntegerField(
        label="Child record number",
        min_value=1,
        help_text="The number after 'child' on the record, for example 1234.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={"required": "Enter the child record number", "invalid": "Enter the record number in digits"},
    )


# --- Contacts ------------------------------------------------------------------------------


class ContactForm(VersionedFormMixin, GovukForm):
    kind = forms.ChoiceField(
        label="What is the contact?",
        choices=ContactKind.choices,
        initial=ContactKind.CONCERN,
        required=False,
        widget=forms.RadioSelect,
        help_text="A missing report is about a child in the index: find the child first",
        error_messages={"required": "Choose what the contact is"},
    )
    missing_since = GovukDateTimeField(
        label="Missing from home: since when?",
        required=False,
        past_only=True,
        help_text="For example, 27 3 2026 and 14:30",
    )
    school_days_missed = forms.IntegerField(
        label="Missing from education: school days missed, by the school's count",
        required=False,
        min_value=1,
        max_value=rules.MAX_SCHOOL_DAYS,
        error_messages={"invalid": "Enter a whole number of school days"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    received_at = GovukDateTimeField(
        label="When was the contact received?",
        past_only=True,
        help_text="For example, 27 3 2026 and 14:30",
        error_messages={"required": "Enter when the contact was received"},
    )
    channel = forms.ChoiceField(
        label="How did it reach Family Connect?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact reached Family Connect"},
    )
    source = forms.ChoiceField(
        label="Who made the contact?",
        choices=[c for c in Source.choices if c[0] != Source.NOT_KNOWN],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the contact"},
    )
    is_anonymous = forms.BooleanField(label="The referrer wants to stay anonymous", required=False)
    referrer_organisation = _text("Referrer's organisation", max_length=200, hint="Optional if anonymous")
    referrer_name = _text("Referrer's name", max_length=200, hint="Optional if anonymous")
    referrer_role = _text("Referrer's role", max_length=200, hint="Optional")
    referrer_contact_details = _text(
        "How to reach the referrer", max_length=300, hint="Phone number or e-mail address. Optional if anonymous"
    )
    referrer_email = forms.EmailField(
        label="Referrer's e-mail address",
        required=False,
        max_length=254,
        help_text="A professional's acknowledgement and outcome are e-mailed here: without it they are not sent",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )
    reported_child_name = _text(
        "Child's name or nickname, as the referrer gives it",
        max_length=200,
        hint="When the child is not yet in the index, record what the referrer knows",
    )
    reported_child_age = _text("Child's age, as the referrer gives it", max_length=50, width="govuk-input--width-10")
    reported_locations = _area("Where the child is seen", max_length=2000, rows=3)
    reported_school = _text("Child's school, as the referrer gives it", max_length=200)
    about_context = forms.BooleanField(
        label="The concern is about a place, peer group, school or online space", required=False
    )
    concern = _area(
        "The concern, in the referrer's words",
        max_length=10000,
        required=True,
        rows=8,
        required_message="Enter the concern, in the referrer's words",
    )
    concerns = forms.MultipleChoiceField(
        label="Exploitation concerns",
        required=False,
        choices=[
            ("cse", "Child sexual exploitation (CSE)"),
            ("cce", "Child criminal exploitation (CCE)"),
            ("other", "Other exploitation"),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    referrer_view_of_level = forms.ChoiceField(
        label="The referrer's view of the level",
        required=False,
        choices=[("", "Not given"), *ThresholdLevel.choices],
        widget=forms.RadioSelect,
    )
    enquiry_on_open_case = forms.BooleanField(
        label="This is an enquiry about a case that is already open (not counted as a referral)", required=False
    )

    def contact_data(self) -> dict:
        data = dict(self.cleaned_data)
        concerns = set(data.pop("concerns", []))
        data.pop("version", None)
        data.pop("reason", None)
        data["cse_concern"] = "cse" in concerns
        data["cce_concern"] = "cce" in concerns
        data["other_exploitation_concern"] = "other" in concerns
        return data

    @classmethod
    def initial_for(cls, contact) -> dict:
        from .services import CONTACT_FIELDS

        initial = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        initial["concerns"] = [
            code
            for code, flag in (
                ("cse", contact.cse_concern),
                ("cce", contact.cce_concern),
                ("other", contact.other_exploitation_concern),
            )
            if flag
        ]
        initial["version"] = contact.version
        return initial


class ContactEditForm(ContactForm):
    reason = ReasonField(label="Reason for the change", error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]  # what a contact is does not change: a new one is recorded


class EnteredInErrorForm(VersionedFormMixin, GovukForm):
    reason = ReasonField(
        label="Why was this contact entered in error?",
        error_messages={"required": "Enter why this contact was entered in error"},
    )


class QueueFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            (ContactStatus.AWAITING_SCREENING, "Awaiting screening"),
            (ContactStatus.IN_SCREENING, "In screening"),
        ],
    )
    assigned = forms.ChoiceField(
        label="Assigned to", required=False, choices=[("", "Anyone"), ("me", "Me"), ("unassigned", "No one")]
    )
    due = forms.ChoiceField(
        label="Decision", required=False, choices=[("", "Any"), ("overdue", "Overdue"), ("due_soon", "Due soon")]
    )
    concern = forms.ChoiceField(
        label="Concern",
        required=False,
        choices=[("", "Any"), ("cse", "CSE"), ("cce", "CCE"), ("other", "Other exploitation")],
    )
    channel = forms.ChoiceField(label="Channel", required=False, choices=[("", "Any"), *Channel.choices])
    source = forms.ChoiceField(label="Source", required=False, choices=[("", "Any"), *Source.choices])
    origin = forms.ChoiceField(
        label="Made through",
        required=False,
        choices=[("", "Any way"), ("anonymous", "The anonymous online form")],
    )


class ContactListFilterForm(GovukForm):
    text = _text("Reference or child's name", max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *ContactStatus.choices])
    recorded = forms.ChoiceField(label="Logged by", required=False, choices=[("", "Anyone"), ("me", "Me")])


# --- Threshold assessment ------------------------------------------------------------------


class ThresholdForm(DraftFormMixin, VersionedFormMixin, GovukForm):
    """A level and evidence for each of the ten factors, then the overall level. A draft saves
    with any of them chosen; completing it (`intent=finalise`, what a complete assessment's
    revision always is) names every missing part at once (rules.threshold_check)."""

    default_intent = DraftFormMixin.INTENT_FINALISE

    def __init__(self, *args, is_revision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if is_revision:  # a complete assessment is revised in full, never back to a draft
            self.finalising = self.is_bound
        for factor in ExploitationFactor:
            self.fields[f"{factor.value}_level"] = forms.ChoiceField(
                label=factor.label,
                choices=FactorLevel.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
                error_messages={"invalid_choice": f"Choose a level for {factor.label.lower()}"},
            )
            self.fields[f"{factor.value}_evidence"] = forms.CharField(
                label=f"Evidence: {factor.label.lower()}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall_level"] = forms.ChoiceField(
            label="Overall threshold level",
            choices=ThresholdLevel.choices,
            required=False,
            widget=forms.RadioSelect,
            help_text="Your professional judgement. It may differ from the highest factor level, with a reason.",
            error_messages={"invalid_choice": "Choose the overall threshold level"},
        )
        self.fields["reason_differs_from_highest"] = forms.CharField(
            label="Why the overall level differs from the highest factor level",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Needed only when the levels differ",
        )
        if is_revision:
            self.fields["revision_reason"] = ReasonField(
                label="Why are you revising the assessment?",
                error_messages={"required": "Enter why the assessment is being revised"},
            )

    def completeness_errors(self, data: dict) -> dict[str, str]:
        level, reason = data.get("overall_level") or "", data.get("reason_differs_from_highest") or ""
        return rules.threshold_check(self.factors(), level, reason, complete=True)[1]

    def factor_rows(self):
        return [
            (factor, self[f"{factor.value}_level"], self[f"{factor.value}_evidence"]) for factor in ExploitationFactor
        ]

    def factors(self) -> dict:
        data = self.cleaned_data
        return {
            factor.value: {
                "level": data.get(f"{factor.value}_level"),
                "evidence": data.get(f"{factor.value}_evidence", ""),
            }
            for factor in ExploitationFactor
        }

    @classmethod
    def initial_for(cls, assessment) -> dict:
        initial = {"version": assessment.version, "overall_level": assessment.overall_level}
        initial["reason_differs_from_highest"] = assessment.reason_differs_from_highest
        for code, value in assessment.factors.items():
            initial[f"{code}_level"] = value.get("level")
            initial[f"{code}_evidence"] = value.get("evidence", "")
        return initial


# --- MACE ----------------------------------------------------------------------------------


class MaceRequestForm(GovukForm):
    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies should be asked?",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to ask"},
    )
    question = _area(
        "What are you asking?",
        max_length=2000,
        required=True,
        hint="Partners see this question and the child's identifying details, not the contact",
        required_message="Enter what you are asking the agencies",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).order_by("name")


class MaceEntryForm(GovukForm):
    systems_checked = _text("Systems checked", max_length=300, hint="Optional")
    information = _area(
        "What your agency knows",
        max_length=10000,
        required=True,
        rows=8,
        hint="Only your agency and the Family Connect screener can see this",
        required_message="Enter what your agency knows, or that it holds no information",
    )


class MaceListFilterForm(GovukForm):
    text = _text("Child's name or contact reference", max_length=100)
    state = forms.ChoiceField(
        label="Status",
        required=False,
        choices=MACE_LIST_STATES,
    )


# --- Decision and follow-up ----------------------------------------------------------------


class DecisionForm(VersionedFormMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_detail = _area(
        "What was given, or the reasons for the outcome",
        max_length=5000,
        rows=5,
        hint="Needed for information, advice and support: say what was given",
    )
    early_help_agency = forms.ModelChoiceField(
        label="Early help: agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose the agency",
        help_text="Needed for early help",
    )
    early_help_service = _text("Early help: service", max_length=200, hint="For example, Strengthening Families")
    refer_to = forms.MultipleChoiceField(
        label="Referred to",
        required=False,
        choices=[("cate", "CATE"), ("statutory", "Statutory safeguarding")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Needed for a referral: choose one or both",
    )
    late_decision_reason = _area("Why is the decision late?", max_length=2000, rows=3)
    referrer_outcome = forms.ChoiceField(
        label="Is the referrer told the outcome?",
        choices=ReferrerOutcomeChoice.choices,
        widget=forms.RadioSelect,
        help_text="A parent, relative or member of the public may be connected to the harm",
        error_messages={"required": "Choose whether the referrer is told the outcome"},
    )
    referrer_outcome_reason = _area("Why is the referrer not told?", max_length=5000, rows=3)

    def __init__(self, *args, is_late: bool = False, ask_referrer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_referrer:
            del self.fields["referrer_outcome"], self.fields["referrer_outcome_reason"]
        self.fields["early_help_agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        if not is_late:
            del self.fields["late_decision_reason"]
        else:
            self.fields["late_decision_reason"].required = True
            self.fields["late_decision_reason"].error_messages["required"] = "Enter the reason the decision is late"


class FollowUpForm(VersionedFormMixin, GovukForm):
    action_taken = forms.ChoiceField(
        label="Did the agency take action?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the agency took action"},
    )
    notes = _area("Notes", max_length=5000, rows=4, hint="What the agency did, or what happens next if it did nothing")


class FollowUpFilterForm(GovukForm):
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("open", "Open"), ("overdue", "Overdue"), ("done", "Done"), ("all", "All")],
    )


from .anonymous_forms import AnonymousReferralForm, form_started_token  # noqa: E402, F401
from .loop_forms import CseLinkForm, SameNameReviewForm, ThresholdReviewForm  # noqa: E402, F401

"""Forms of the exploitation network's own records and links. They shape and validate input; the
services in network/services/ do the writing (and check again, every fault at once)."""

from __future__ import annotations

from django import forms

from contacts.choices import Ethnicity, Gender
from core.forms import GovukDateField, GovukForm, VersionedFormMixin

from .choices import (
    AgeBand,
    Confidence,
    CustodyStatus,
    IdentifierKind,
    LinkKind,
    LinkSource,
    NodeKind,
    PersonKind,
    PlaceKind,
    Platform,
    PoliceStatus,
    Relationship,
    VehicleKind,
)
from .graph import DEFAULT_STEPS, HUB_CAPS, MAX_STEPS, MapFilters


def _text(label, *, max_length, required=False, hint="", width=""):
    attrs = {"class": width} if width else {}
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=hint, widget=forms.TextInput(attrs=attrs)
    )


def _area(label, *, max_length=5000, required=False, hint="", rows=3, required_message=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


def _choice(label, choices, *, required=True, blank="", radios=False, hint="", required_message="", initial=None):
    options = ([("", blank)] if blank else []) + list(choices)
    return forms.ChoiceField(
        label=label,
        choices=options,
        required=required,
        initial=initial,
        help_text=hint,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": required_message} if required_message else {},
    )


def _date(label, *, hint="", past_only=False):
    return GovukDateField(label=label, required=False, past_only=past_only, help_text=hint or "For example, 27 3 2024")


# --- Filters of the lists ----------------------------------------------------------------------

ANY = ("", "Any")
YES_NO_ANY = [ANY, ("yes", "Yes"), ("no", "No")]


class _FilterForm(GovukForm):
    q = _text("Search", max_length=100)

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""

    def flag(self, name: str) -> bool | None:
        return {"yes": True, "no": False}.get(self.value(name))


class PersonFilterForm(_FilterForm):
    q = _text("Name, alias or description", max_length=100)
    kind = _choice("Kind", PersonKind.choices, required=False, blank="Any")
    police_status = _choice("Police status", PoliceStatus.choices, required=False, blank="Any")
    staff_safety = _choice("Staff-safety marker", YES_NO_ANY[1:], required=False, blank="Any")


class PlaceFilterForm(_FilterForm):
    q = _text("Name, address, postcode or description", max_length=100)
    kind = _choice("Type of place", PlaceKind.choices, required=False, blank="Any")
    hotspot = _choice("Hotspot", YES_NO_ANY[1:], required=False, blank="Any")


class VehicleFilterForm(_FilterForm):
    q = _text("Registration, make, model or colour", max_length=100)
    kind = _choice("Type of vehicle", VehicleKind.choices, required=False, blank="Any")


class IdentifierFilterForm(_FilterForm):
    q = _text("Number, handle or e-mail address", max_length=200)
    kind = _choice("Kind", IdentifierKind.choices, required=False, blank="Any")


class PeerGroupFilterForm(_FilterForm):
    q = _text("Name or description", max_length=100)


# --- Records -----------------------------------------------------------------------------------


class PersonForm(VersionedFormMixin, GovukForm):
    kind = _choice("Kind of person", PersonKind.choices, radios=True, required_message="Select the kind of person")
    first_name = _text("First name", max_length=100, hint="Leave blank when not known")
    last_name = _text("Last name", max_length=100, hint="Leave blank when not known")
    aliases = _text("Aliases and nicknames", max_length=300, hint="Separate them with commas")
    description = _area(
        "Description", hint="What they look like, where they are seen, how they act: needed when the name is not known"
    )
    date_of_birth = _date("Date of birth", past_only=True, hint="For example, 27 3 1990")
    age_band = _choice(
        "Age band", AgeBand.choices, hint="When the date of birth is not known", initial=AgeBand.NOT_KNOWN
    )
    gender = _choice("Gender", Gender.choices, initial=Gender.NOT_KNOWN)
    ethnicity = _choice("Ethnicity", Ethnicity.choices, required=False, blank="Not recorded")
    is_juvenile = forms.BooleanField(label="A juvenile or peer (under 18)", required=False)
    child = forms.IntegerField(
        label="Their own child record number",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="When the person is also a child in the index: the number on the child's record",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    police_status = _choice("Police status", PoliceStatus.choices, initial=PoliceStatus.INTELLIGENCE)
    police_status_on = _date("Police status since", past_only=True)
    nfa_reason = _area("Reason for no further action", hint="Only when the police took no further action")
    custody_status = _choice("Custody", CustodyStatus.choices, initial=CustodyStatus.NOT_KNOWN)
    release_date = _date("Release date")
    licence_conditions = _area("Licence conditions")
    exclusion_zones = _area("Exclusion zones")
    awn_issued_on = _date("Abduction Warning Notice issued", past_only=True)
    awn_issued_by = _text("Abduction Warning Notice issued by", max_length=200)
    awn_expires_on = _date("Abduction Warning Notice expires")
    staff_safety_warning = forms.BooleanField(label="Staff should take care (staff-safety marker)", required=False)
    staff_safety_reason = _area("Why staff should take care", hint="Shown to anyone about to visit someone linked")

    def __init__(self, *args, children=None, **kwargs):
        """`children`: the child records the user may name (the choice is checked against them)."""
        super().__init__(*args, **kwargs)
        self.children = children

    def clean_child(self):
        number = self.cleaned_data.get("child")
        if number is None:
            return None
        child = self.children.filter(pk=number).first() if self.children is not None else None
        if child is None:
            raise forms.ValidationError("Enter the number of a child record you can see")
        return child


class PlaceForm(VersionedFormMixin, GovukForm):
    kind = _choice(
        "Type of place", PlaceKind.choices, blank="Select the type", required_message="Select the type of place"
    )
    name = _text("Name", max_length=200, hint="The premises' name, or a short description")
    address = _area("Address")
    postcode = _text("Postcode", max_length=10, width="govuk-input--width-10")
    description = _area("Description")
    latitude = forms.DecimalField(
        label="Latitude", required=False, max_digits=8, decimal_places=5, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label="Longitude", required=False, max_digits=8, decimal_places=5, min_value=-180, max_value=180
    )
    owner = _text("Owner or licensee", max_length=200)
    is_hotspot = forms.BooleanField(label="A hotspot", required=False)
    hotspot_reason = _area("Why it is a hotspot")
    hotspot_review_on = _date("Review the hotspot by")


class VehicleForm(VersionedFormMixin, GovukForm):
    registration = _text(
        "Registration mark", max_length=12, width="govuk-input--width-10", hint="For example, AB12 CDE"
    )
    make = _text("Make", max_length=60)
    model = _text("Model", max_length=60)
    colour = _text("Colour", max_length=40)
    kind = _choice("Type of vehicle", VehicleKind.choices, initial=VehicleKind.NOT_KNOWN)
    licensing_authority = _text("Licensing authority", max_length=120, hint="For a taxi or private hire vehicle")
    plate_number = _text("Licence plate number", max_length=30)
    description = _area("Description")


class IdentifierForm(VersionedFormMixin, GovukForm):
    kind = _choice("Kind", IdentifierKind.choices, radios=True)
    platform = _choice("Platform", Platform.choices, required=False, blank="Not a handle", hint="For a handle")
    value = _text("Number, handle or e-mail address", max_length=200)
    description = _area("Description")


class PeerGroupForm(VersionedFormMixin, GovukForm):
    name = _text("Name of the group", max_length=200, required=True)
    description = _area("Description", hint="Who is in it, where it meets, what is known of it")


class EnteredInErrorForm(VersionedFormMixin, GovukForm):
    reason = _area(
        "Why was it entered in error?",
        max_length=500,
        required=True,
        required_message="Enter why it was entered in error",
    )


# --- Links -------------------------------------------------------------------------------------

OTHER_KINDS = [
    (NodeKind.CHILD, "A child"),
    (NodeKind.PERSON, "A person of concern"),
    (NodeKind.PLACE, "A place"),
    (NodeKind.VEHICLE, "A vehicle"),
    (NodeKind.IDENTIFIER, "A phone number, handle or e-mail address"),
    (NodeKind.PEER_GROUP, "A peer group"),
]


class LinkFindForm(GovukForm):
    """The first step of adding a link: what the other end is, and a search for it."""

    other_kind = _choice(
        "What is it linked to?", OTHER_KINDS, radios=True, required_message="Select what it is linked to"
    )
    q = _text(
        "Search for it",
        max_length=200,
        required=True,
        hint="A name, an address or postcode, a registration mark, a number or handle",
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["other_kind"].choices = [c for c in OTHER_KINDS if c[0] in kinds]
        self.fields["q"].error_messages["required"] = "Enter what to search for"


class _LinkDetailsMixin(forms.Form):
    relationship = _choice(
        "Relationship to the child", Relationship.choices, required=False, blank="Not a person and a child"
    )
    reported_by = _text("Who reported it", max_length=200)
    source = _choice("Where the information came from", LinkSource.choices)
    first_seen = _date("First seen", past_only=True)
    last_seen = _date("Last seen", past_only=True)
    confidence = _choice("How sure is it?", Confidence.choices, radios=True)
    notes = _area("Notes")

    def clean(self):
        data = super().clean()
        first, last = data.get("first_seen"), data.get("last_seen")
        if first and last and last < first:
            self.add_error("last_seen", "The date last seen must be the same as or after the date first seen")
        return data


class LinkAddForm(_LinkDetailsMixin, GovukForm):
    """The second step: which of the records found, how they are linked, and what is known."""

    other = forms.ChoiceField(label="Which one?", widget=forms.RadioSelect)
    kind = _choice("Kind of link", LinkKind.choices, blank="Select the kind of link")
    field_order = ["other", "kind", "relationship", "reported_by", "source", "first_seen", "last_seen", "confidence"]

    def __init__(self, *args, choices=(), kinds=None, **kwargs):
        """`choices`: (value, label) of the records found; `kinds`: the link kinds offered."""
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = list(choices)
        self.fields["other"].error_messages["required"] = "Select which one it is linked to"
        self.fields["other"].error_messages["invalid_choice"] = "Select one of the records found"
        if kinds is not None:
            self.fields["kind"].choices = [c for c in LinkKind.choices if c[0] in kinds]
            if len(kinds) == 1:
                self.fields["kind"].initial = kinds[0]
                self.fields["kind"].widget = forms.HiddenInput()
        self.initial.setdefault("source", LinkSource.CASEWORK)
        self.initial.setdefault("confidence", Confidence.REPORTED)


class LinkChangeForm(_LinkDetailsMixin, VersionedFormMixin, GovukForm):
    """What is known of a link changes; its two ends, kind and source stay."""

    offer_sti_screening = forms.BooleanField(
        label="Offer the child STI screening",
        required=False,
        help_text=(
            "Only for a link between a person of concern and a child, when the police or health say the person "
            "may have passed on an infection. Record no health detail about the person."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["source"]


class LinkEndForm(VersionedFormMixin, GovukForm):
    last_seen = GovukDateField(label="Date it ended", required=True, past_only=True, help_text="For example, 27 3 2024")


class LinkWithdrawForm(VersionedFormMixin, GovukForm):
    reason = _area(
        "Why is the link withdrawn?",
        max_length=500,
        required=True,
        hint="For example, entered in error",
        required_message="Enter why the link is withdrawn",
    )


# --- The network map -----------------------------------------------------------------------------


class MapFilterForm(GovukForm):
    """The network map's filters, sent by GET: steps, link kinds, confidence, dates last seen, and how
    many links of each large hub to show. Anything not given is the default (all kinds, all
    confidences, any date, two steps, the smallest cap)."""

    steps = forms.TypedChoiceField(
        label="Steps from the centre",
        choices=[(n, str(n)) for n in range(1, MAX_STEPS + 1)],
        coerce=int,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
        error_messages={"invalid_choice": "Select 1, 2 or 3 steps"},
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of link",
        help_text="Leave all unticked to show every kind.",
        choices=LinkKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Select kinds of link from the list"},
    )
    confidence = forms.MultipleChoiceField(
        label="Confidence",
        help_text="Leave all unticked to show every link.",
        choices=Confidence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Select confidences from the list"},
    )
    seen_from = GovukDateField(
        label="Last seen on or after", required=False, help_text="Links with no date last seen are then left out."
    )
    seen_to = GovukDateField(label="Last seen on or before", required=False, help_text="For example, 31 3 2026")
    cap = forms.TypedChoiceField(
        label="Links shown of each large hub",
        choices=[(cap, f"The strongest {cap}") for cap in HUB_CAPS],
        coerce=int,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        error_messages={"invalid_choice": "Select how many links of each hub to show"},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:  # a map opened with some filters only: the rest as by default
            data = data.copy()
            for name, default in (("steps", DEFAULT_STEPS), ("cap", HUB_CAPS[0])):
                if not data.get(name):
                    data[name] = str(default)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("seen_from") and data.get("seen_to") and data["seen_to"] < data["seen_from"]:
            self.add_error("seen_to", "Last seen on or before must be the same as or after last seen on or after")
        return data

    def filters(self) -> MapFilters:
        """The filters asked for; the defaults when the form has errors (the page shows them)."""
        if not self.is_valid():
            return MapFilters()
        data = self.cleaned_data
        return MapFilters(
            steps=data.get("steps") or DEFAULT_STEPS,
            kinds=tuple(sorted(data.get("kinds") or ())),
            confidence=tuple(sorted(data.get("confidence") or ())),
            seen_from=data.get("seen_from"),
            seen_to=data.get("seen_to"),
            cap=data.get("cap") or HUB_CAPS[0],
        )

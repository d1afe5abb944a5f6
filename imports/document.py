"""The import document of records from a council's previous system: its format and the checks
that need no database. imports.services.records_import resolves references and has each record
written by the import services of the app that owns it.

One JSON object; every list optional. `key` fields are the previous system's identifiers: a
re-import updates the record with that key instead of adding another. `*_at` fields are
date-times with an offset; `date_of_birth`, cases' `opened_at`/`closed_at`, `from`/`to`,
`start`/`end`, `active_from`/`active_to` and `referred_on` are dates; a missing or null end
means still open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contacts.choices import Ethnicity, Gender, SendStatus, Source

STAFF_ROLES = ("cate_worker", "team_leader", "social_worker", "group_manager", "screener")
OUTCOMES = ("information_advice", "early_help", "cate_or_statutory")
EXPLOITATION_TYPES = ("cse", "cce", "other")
CLASSIFICATIONS = ("victim", "at_risk")
OPEN_TO = ("cate", "statutory", "both")
STATUTORY_KINDS = ("cin", "cp", "cic")
LISTS = (
    "staff",
    "children",
    "contacts",
    "cases",
    "allocations",
    "statutory_episodes",
    "missing_episodes",
    "nrm_referrals",
)
KEY_MAX_LENGTH = 64
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one record of the document (or with the document itself)."""

    list: str
    index: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.list if self.index is None else f"{self.list}[{self.index}]"
        if self.key:
            where += f" (key {self.key})"
        return f"{where}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"list": self.list, "index": self.index, "key": self.key, "message": self.message}


class FieldError(ValueError):
    pass


# --- Field parsers: each takes the raw JSON value and returns the Python value or raises ---------


def _key(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise FieldError("must be a non-empty text key")
    value = value.strip()
    if len(value) > KEY_MAX_LENGTH:
        raise FieldError(f"must be at most {KEY_MAX_LENGTH} characters")
    return value


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise FieldError("must be text")
        value = value.strip()
        if len(value) > max_length:
            raise FieldError(f"must be at most {max_length} characters")
        return value

    return parse


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false")
    return value


def _bool_or_null(value: Any) -> bool | None:
    if value is None:
        return None
    return _bool(value)


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FieldError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a real date") from None


def _datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?.*", value):
        raise FieldError(f"{value!r} is not a date-time written YYYY-MM-DDThh:mm:ss+hh:mm")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a real date-time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FieldError(f"{value!r} has no offset from UTC (add +00:00 or +01:00)")
    return moment


def _choice(options: tuple[str, ...], *, nullable: bool = False) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if value not in options:
            allowed = ", ".join(options) + (" or null" if nullable else "")
            raise FieldError(f"{value!r} is not one of {allowed}")
        return value

    return parse


def _ethnicity(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value not in Ethnicity.values:
        raise FieldError(f"{value!r} is not a DfE ethnicity code")
    return value


def _percentage(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError("must be a number from 0 to 100 or null")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FieldError(f"{value!r} is not a number") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise FieldError("must be a number from 0 to 100")
    if number != number.quantize(Decimal("0.01")):
        raise FieldError("must have at most 2 decimal places")
    return number


def _types(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("must be a list of cse, cce and other")
    wrong = [v for v in value if v not in EXPLOITATION_TYPES]
    if wrong:
        raise FieldError(f"{', '.join(map(repr, wrong))} not one of cse, cce, other")
    return tuple(dict.fromkeys(value))


def _username(value: Any) -> str:
    if not isinstance(value, str) or not USERNAME_RE.fullmatch(value.strip()):
        raise FieldError("must be 1 to 150 letters, digits and @ . + - _")
    return value.strip()


REQUIRED = object()


@dataclass(frozen=True)
class Spec:
    parse: Callable[[Any], Any]
    default: Any = REQUIRED


FIELDS: dict[str, dict[str, Spec]] = {
    "staff": {
        "key": Spec(_key),
        "username": Spec(_username),
        "name": Spec(_text(300)),
        "role": Spec(_choice(STAFF_ROLES)),
        "case_holder": Spec(_bool, False),
        "active_from": Spec(_date, None),
        "active_to": Spec(_date, None),
    },
    "children": {
        "key": Spec(_key),
        "first_name": Spec(_text(100), ""),
        "last_name": Spec(_text(100), ""),
        "date_of_birth": Spec(_date, None),
        "gender": Spec(_choice(tuple(Gender.values)), Gender.NOT_KNOWN.value),
        "ethnicity": Spec(_ethnicity, ""),
        "send": Spec(_choice(tuple(SendStatus.values)), SendStatus.NOT_KNOWN.value),
        "receiving_education": Spec(_bool_or_null, None),
        "attendance_percent": Spec(_percentage, None),
    },
    "contacts": {
        "key": Spec(_key),
        "child": Spec(lambda v: None if v is None else _key(v), None),
        "received_at": Spec(_datetime),
        "source": Spec(_choice(tuple(Source.values)), Source.NOT_KNOWN.value),
        "cse_concern": Spec(_bool, False),
        "enquiry_on_open_case": Spec(_bool, False),
        "outcome": Spec(_choice(OUTCOMES, nullable=True), None),
        "decided_at": Spec(_datetime, None),
    },
    "cases": {
        "key": Spec(_key),
        "child": Spec(_key),
        "contact": Spec(lambda v: None if v is None else _key(v), None),
        "opened_at": Spec(_date),
        "closed_at": Spec(_date, None),
        "exploitation_types": Spec(_types, ()),
        "classification": Spec(_choice(CLASSIFICATIONS, nullable=True), None),
        "open_to": Spec(_choice(OPEN_TO)),
    },
    "allocations": {
        "case": Spec(_key),
        "worker": Spec(_key),
        "from": Spec(_date),
        "to": Spec(_date, None),
    },
    "statutory_episodes": {
        "child": Spec(_key),
        "kind": Spec(_choice(STATUTORY_KINDS)),
        "start": Spec(_date),
        "end": Spec(_date, None),
    },
    "missing_episodes": {
        "key": Spec(_key),
        "child": Spec(_key),
        "missing_from": Spec(_datetime),
        "returned_at": Spec(_datetime, None),
        "rhi_eligible": Spec(_bool, True),
        "rhi_completed_at": Spec(_datetime, None),
    },
    "nrm_referrals": {
        "case": Spec(_key),
        "referred_on": Spec(_date),
    },
}


@dataclass
class Record:
    """One parsed record of a list: its position in the document and its field values."""

    list: str
    index: int
    values: dict[str, Any]

    @property
    def key(self) -> str | None:
        return self.values.get("key")

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def label(self) -> str | None:
        """The key to show in a problem: the record's own key, or what identifies it."""
        if "key" in FIELDS[self.list]:
            return self.values.get("key")
        parts = [str(self.values.get(name)) for name in FIELDS[self.list] if self.values.get(name) is not None]
        return " / ".join(parts[:3]) or None


@dataclass
class Document:
    records: dict[str, list[Record]] = field(default_factory=lambda: {name: [] for name in LISTS})
    problems: list[Problem] = field(default_factory=list)
    # Keys of records left out for problems of their own: references to them are not problems too.
    rejected_keys: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in LISTS})

    def problem(self, record: Record, message: str) -> None:
        self.problems.append(Problem(record.list, record.index, record.label(), message))


def _raw_key(raw: Any) -> str | None:
    if isinstance(raw, Mapping):
        key = raw.get("key")
        if isinstance(key, str | int) and not isinstance(key, bool):
            return str(key)
    return None


def parse(document: Any, *, today: date) -> Document:
    """Check the shape and every field of every record; cross-record checks that need no database."""
    parsed = Document()
    if not isinstance(document, Mapping):
        parsed.problems.append(Problem("document", None, None, "must be a JSON object of lists"))
        return parsed
    for name in document:
        if name not in LISTS:
            parsed.problems.append(
                Problem(str(name), None, None, f"is not a list this import knows ({', '.join(LISTS)})")
            )
    for name in LISTS:
        rows = document.get(name)
        if rows is None:
            continue
        if not isinstance(rows, list):
            parsed.problems.append(Problem(name, None, None, "must be a list"))
            continue
        specs = FIELDS[name]
        for index, raw in enumerate(rows):
            if not isinstance(raw, Mapping):
                parsed.problems.append(Problem(name, index, None, "must be an object"))
                continue
            values: dict[str, Any] = {}
            messages: list[str] = []
            for field_name in raw:
                if field_name not in specs:
                    messages.append(f"{field_name}: is not a field of {name}")
            for field_name, spec in specs.items():
                if field_name not in raw or (raw[field_name] is None and spec.default is REQUIRED):
                    if spec.default is REQUIRED:
                        messages.append(f"{field_name}: is missing")
                        continue
                    values[field_name] = spec.default
                    continue
                try:
                    values[field_name] = spec.parse(raw[field_name])
                except FieldError as exc:
                    messages.append(f"{field_name}: {exc}")
            for message in messages:
                parsed.problems.append(Problem(name, index, values.get("key") or _raw_key(raw), message))
            if messages and (values.get("key") or _raw_key(raw)):
                parsed.rejected_keys[name].add(values.get("key") or _raw_key(raw))
            if not messages:
                parsed.records[name].append(Record(name, index, values))
    _check_within_records(parsed, today=today)
    _check_duplicates(parsed)
    return parsed


def _check_within_records(doc: Document, *, today: date) -> None:
    for record in doc.records["staff"]:
        if record["active_from"] and record["active_to"] and record["active_to"] < record["active_from"]:
            doc.problem(record, "active_to: is before active_from")
    for record in doc.records["children"]:
        if record["date_of_birth"] and record["date_of_birth"] > today:
            doc.problem(record, "date_of_birth: is in the future")
    for record in doc.records["contacts"]:
        if record["outcome"] and record["decided_at"] is None:
            doc.problem(record, "decided_at: is missing (a contact with an outcome was decided at some time)")
        if record["decided_at"] and not record["outcome"]:
            doc.problem(record, "outcome: is missing (the contact has a decided_at)")
        if record["decided_at"] and record["decided_at"] < record["received_at"]:
            doc.problem(record, "decided_at: is before received_at")
    for record in doc.records["cases"]:
        if record["closed_at"] and record["closed_at"] < record["opened_at"]:
            doc.problem(record, "closed_at: is before opened_at")
    for record in doc.records["allocations"]:
        if record["to"] and record["to"] < record["from"]:
            doc.problem(record, "to: is before from")
    for record in doc.records["statutory_episodes"]:
        if record["end"] and record["end"] < record["start"]:
            doc.problem(record, "end: is before start")
    for record in doc.records["missing_episodes"]:
        if record["returned_at"] and record["returned_at"] < record["missing_from"]:
            doc.problem(record, "returned_at: is before missing_from")
        if record["rhi_completed_at"]:
            if record["returned_at"] is None:
                doc.problem(record, "rhi_completed_at: the child has not returned (returned_at is empty)")
            elif record["rhi_completed_at"] < record["returned_at"]:
                doc.problem(record, "rhi_completed_at: is before returned_at")


NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "allocations": ("case", "worker", "from"),
    "statutory_episodes": ("child", "kind", "start"),
    "nrm_referrals": ("case", "referred_on"),
}


def _check_duplicates(doc: Document) -> None:
    for name in LISTS:
        fields = NATURAL_KEYS.get(name, ("key",))
        seen: dict[tuple, int] = {}
        kept = []
        for record in doc.records[name]:
            identity = tuple(record[f] for f in fields)
            if identity in seen:
                what = "key" if fields == ("key",) else " + ".join(fields)
                doc.problem(record, f"the same {what} as {name}[{seen[identity]}]")
                continue
            seen[identity] = record.index
            kept.append(record)
        doc.records[name] = kept
    usernames: dict[str, int] = {}
    for record in doc.records["staff"]:
        username = record["username"].lower()
        if username in usernames:
            doc.problem(record, f"username: the same as staff[{usernames[username]}]")
        else:
            usernames[username] = record.index

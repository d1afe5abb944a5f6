"""GOV.UK Design System rendering: form fields, error summaries, due tags."""

from __future__ import annotations

from django import forms, template
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.clock import DueState
from core.forms import GovukDateTimeWidget, GovukDateWidget

register = template.Library()

_PASSTHROUGH_ATTRS = (
    "maxlength",
    "autocomplete",
    "inputmode",
    "spellcheck",
    "rows",
    "min",
    "max",
    "step",
    "pattern",
    "autocapitalize",
    "accept",
    "multiple",
)


def field_kind(bound: forms.BoundField) -> str:
    widget = bound.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovukDateTimeWidget):
        return "datetime"
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def error_anchor(bound: forms.BoundField) -> str:
    kind = field_kind(bound)
    base = bound.auto_id or f"id_{bound.html_name}"
    if kind in ("date", "datetime"):
        return f"{base}_day"
    if kind in ("radios", "checkboxes"):
        return f"{base}_0"
    return base


def _values(bound: forms.BoundField) -> set[str]:
    value = bound.value()
    if value is None:
        return set()
    if isinstance(value, (list, tuple, set)):
        return {str(v) for v in value}
    return {str(value)}


@register.filter
def govuk_kind(bound: forms.BoundField) -> str:
    return field_kind(bound)


@register.simple_tag
def govuk_field(bound: forms.BoundField, label_class: str = "") -> str:
    """Render one bound field as a GOV.UK form group (label, hint, error message, control)."""
    kind = field_kind(bound)
    if kind == "hidden":
        return bound.as_widget()
    widget = bound.field.widget
    field_id = bound.auto_id or f"id_{bound.html_name}"
    attrs = bound.build_widget_attrs(dict(widget.attrs))
    extra = {k: attrs[k] for k in _PASSTHROUGH_ATTRS if k in attrs and attrs[k] not in (None, False)}
    if isinstance(bound.field, forms.CharField) and bound.field.max_length and kind in ("input", "textarea"):
        extra.setdefault("maxlength", bound.field.max_length)
    hint_id = f"{field_id}-hint" if bound.help_text else ""
    error_id = f"{field_id}-error" if bound.errors else ""
    describedby = " ".join(x for x in (hint_id, error_id) if x)
    context = {
        "field": bound,
        "kind": kind,
        "id": field_id,
        "name": bound.html_name,
        "label": bound.label,
        "label_class": label_class or getattr(bound.field, "govuk_label_class", ""),
        "hint": bound.help_text,
        "hint_id": hint_id,
        "errors": bound.errors,
        "error_id": error_id,
        "describedby": describedby,
        "classes": attrs.get("class", ""),
        "extra_attrs": flatatt(extra),
        "input_type": getattr(widget, "input_type", "text"),
    }
    if kind in ("radios", "checkboxes", "select"):
        selected = _values(bound)
        context["options"] = [
            {
                "value": "" if value is None else str(value),
                "label": label,
                "checked": ("" if value is None else str(value)) in selected,
                "id": f"{field_id}_{i}",
            }
            for i, (value, label) in enumerate(bound.field.choices)
        ]
        if kind != "select":
            context["options"] = [o for o in context["options"] if o["value"] != ""]
    elif kind == "checkbox":
        context["checked"] = bool(bound.value())
    elif kind in ("date", "datetime"):
        raw = bound.value()
        if not isinstance(raw, (list, tuple)):
            raw = widget.decompress(raw)
        names = widget.parts
        context["parts"] = [
            {
                "part": part,
                "name": f"{bound.html_name}_{part}",
                "id": f"{field_id}_{part}",
                "value": "" if v is None else v,
            }
            for part, v in zip(names, raw, strict=False)
        ]
    else:
        value = bound.value()
        if kind == "input" and context["input_type"] == "password":
            value = None
        context["value"] = widget.format_value(value) if kind == "input" else (value if value is not None else "")
    return mark_safe(render_to_string(f"govuk/fields/{kind}.html", context))  # noqa: S308


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(*forms_):
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        for error in form.non_field_errors():
            items.append({"text": error, "href": ""})
        for bound in form:
            for error in bound.errors:
                items.append({"text": error, "href": f"#{error_anchor(bound)}"})
    return {"items": items}


DUE_TAG_CLASSES = {
    DueState.NOT_YET_DUE: "govuk-tag--grey",
    DueState.DUE_SOON: "govuk-tag--yellow",
    DueState.OVERDUE: "govuk-tag--red",
    DueState.MET_ON_TIME: "govuk-tag--green",
    DueState.MET_LATE: "govuk-tag--orange",
}


@register.filter
def due_tag(state) -> str:
    if not state:
        return ""
    state = DueState(state)
    return format_html('<strong class="govuk-tag {}">{}</strong>', DUE_TAG_CLASSES[state], state.label)


@register.filter
def has_errors(*forms_) -> bool:
    return any(getattr(f, "errors", None) for f in forms_)


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return ""


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """A section another app adds to a page (core.contract.Section): its template with its context."""
    return render_to_string(section.template, section.context, request=context.get("request"))

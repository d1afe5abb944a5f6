"""Read a page's form as a browser would submit it."""

from __future__ import annotations

import lxml.html


def post_form(html: str, *, with_field: str | None = None):
    """The first POST form of the page (the one holding `with_field`, when given)."""
    doc = lxml.html.fromstring(html)
    for form in doc.forms:
        if (form.method or "get").lower() != "post":
            continue
        names = {el.name for el in form.inputs if el.name}
        if with_field is None or with_field in names:
            return form
    return None


def form_data(form) -> dict[str, list[str]]:
    """What submitting the form unchanged sends: every successful control with its value."""
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def field_names(form) -> set[str]:
    """Every named control of the form, successful or not (unchecked boxes, empty selects too)."""
    return {el.name for el in form.inputs if el.name and el.name != "csrfmiddlewaretoken"}


def error_summary(html: str) -> str:
    """The text of the page's GOV.UK error summary (empty when there is none)."""
    doc = lxml.html.fromstring(html)
    found = doc.find_class("govuk-error-summary")
    return " ".join(found[0].text_content().split()) if found else ""

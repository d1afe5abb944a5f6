"""Printable documents as PDF (GP letters, safety plans), rendered from Django templates."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from xhtml2pdf import pisa


class PdfError(RuntimeError):
    pass


def static_file_path(uri: str, rel: str | None = None) -> str:
    """The file a static URL in a printed template names (a letterhead's logo), for xhtml2pdf.
    Anything else resolves to nothing: a PDF never fetches from the network."""
    if not uri.startswith(settings.STATIC_URL):
        return ""
    name = uri.removeprefix(settings.STATIC_URL).split("?")[0]
    if ".." in Path(name).parts:
        return ""
    found = finders.find(name)
    if found:
        return found
    collected = Path(settings.STATIC_ROOT) / name  # production: collected, under its hashed name or its own
    return str(collected) if collected.is_file() else ""


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """Render a template made for print (simple HTML and CSS) to PDF bytes."""
    html = render_to_string(template_name, context, request=request)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=static_file_path)
    if result.err:
        raise PdfError(f"Could not render {template_name} as PDF ({result.err} errors)")
    return out.getvalue()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response

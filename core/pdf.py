"""Printable documents as PDF (GP letters, safety plans), rendered from Django templates."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from xhtml2pdf import pisa


class PdfError(RuntimeError):
    pass


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """Render a template made for print (simple HTML and CSS) to PDF bytes."""
    html = render_to_string(template_name, context, request=request)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PdfError(f"Could not render {template_name} as PDF ({result.err} errors)")
    return out.getvalue()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response

import io

from pypdf import PdfReader

from core.pdf import pdf_response, render_pdf


def test_a_template_renders_to_a_readable_pdf(tmp_path, settings):
    (tmp_path / "letter.html").write_text(
        '{% extends "print/base.html" %}{% block content %}<h1>{{ title }}</h1>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    content = render_pdf("letter.html", {"title": "Letter to the GP practice"})
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Letter to the GP practice" in text and "OFFICIAL-SENSITIVE" in text
    response = pdf_response(content, "letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"

"""The GP letter is fit to send: the council's letterhead, the practice's name and address from the
register, the child's NHS number and date of birth, and who it is from, on the page and in the PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cate import services
from cate.choices import GpLetterTrigger
from contacts.models import GpPractice

pytestmark = pytest.mark.django_db

LETTERHEAD = {
    "LETTERHEAD_NAME": "Exampleshire Council",
    "LETTERHEAD_ADDRESS": "Civic Centre|Market Square|Exampletown|EX1 2AB",
    "LETTERHEAD_LOGO": "letterhead/example-logo.png",
}


@pytest.fixture
def letter(case, leader, worker, settings):
    for name, value in LETTERHEAD.items():
        setattr(settings, name, value)
    worker.job_title, worker.phone, worker.email = "Senior CATE worker", "01234 567890", "cate.worker@example.invalid"
    worker.save()
    practice = GpPractice.objects.create(
        code="Z99001",
        name="Riverside Medical Practice",
        address_line_1="Riverside Health Centre",
        address_line_2="Mill Lane",
        address_line_4="Exampletown",
        postcode="EX2 3CD",
    )
    child = case.child
    child.registered_practice, child.nhs_number = practice, "9434765919"
    child.save()
    return services.gp_letter_create(case=case, trigger=GpLetterTrigger.PANEL, actor=leader)


def expected(case, worker) -> list[str]:
    return [
        "Exampleshire Council",
        "Civic Centre",
        "EX1 2AB",
        "Riverside Medical Practice",
        "Riverside Health Centre",
        "Mill Lane",
        "EX2 3CD",
        "Practice code: Z99001",
        f"Re: {case.child.full_name}",
        f"Date of birth: {case.child.date_of_birth:%-d %B %Y}",
        "NHS number: 943 476 5919",
        str(worker),
        "Senior CATE worker",
        worker.team.name,
        "Telephone: 01234 567890",
        "cate.worker@example.invalid",
    ]


def test_the_letter_snapshots_the_registered_practice_and_its_sender(letter, case, worker):
    assert letter.practice == "Riverside Medical Practice" and letter.practice_code == "Z99001"
    assert letter.practice_address.splitlines() == ["Riverside Health Centre", "Mill Lane", "Exampletown", "EX2 3CD"]
    assert letter.sender == worker  # the allocated worker, though the team leader wrote it


def test_the_printable_page_has_everything_a_letter_needs(letter, case, worker, client_for):
    page = client_for(worker).get(reverse("cate:gp_letter_detail", args=[case.pk, letter.pk])).content.decode()
    for text in expected(case, worker):
        assert text in page, text
    assert '<img src="/static/letterhead/example-logo.png" alt="Exampleshire Council"' in page


def test_the_pdf_has_everything_a_letter_needs_and_the_logo(letter, case, worker, client_for):
    response = client_for(worker).get(reverse("cate:gp_letter_pdf", args=[case.pk, letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    text = " ".join(page.extract_text().split())
    for item in expected(case, worker):
        assert " ".join(item.split()) in text, item
    assert len(page.images) == 1  # the council's logo


def test_without_a_logo_the_pdf_has_no_image(letter, case, worker, client_for, settings):
    settings.LETTERHEAD_LOGO = ""
    response = client_for(worker).get(reverse("cate:gp_letter_pdf", args=[case.pk, letter.pk]))
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert len(page.images) == 0 and "Exampleshire Council" in page.extract_text()


def test_a_practice_known_by_name_only_is_addressed_by_name(case, leader, worker, client_for):
    child = case.child
    child.gp_practice = "Hillside Surgery"
    child.save()
    letter = services.gp_letter_create(case=case, trigger=GpLetterTrigger.PANEL, actor=leader)
    assert (letter.practice, letter.practice_code, letter.practice_address) == ("Hillside Surgery", "", "")
    page = client_for(worker).get(reverse("cate:gp_letter_detail", args=[case.pk, letter.pk])).content.decode()
    assert "Hillside Surgery" in page and "Practice code" not in page

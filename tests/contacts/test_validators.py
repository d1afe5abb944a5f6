"""The NHS number check digit (modulus 11)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from contacts.forms import ChildSearchForm
from contacts.validators import nhs_number_is_valid, validate_nhs_number


def check_digit(nine: str) -> int:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "4010232137", "4505577104"])
def test_real_nhs_numbers_pass(number):
    assert nhs_number_is_valid(number)
    validate_nhs_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "943476591",  # too short
        "94347659190",  # too long
        "94347659l9",  # a letter
        "1000000000",  # the check digit should be 1
        "0000000001",
    ],
)
def test_wrong_nhs_numbers_fail(number):
    assert not nhs_number_is_valid(number)
    with pytest.raises(ValidationError, match="Enter a real NHS number"):
        validate_nhs_number(number)


def test_a_number_whose_check_digit_would_be_ten_is_never_valid():
    nine = "123456781"  # weighted sum 10*1+9*2+8*3+7*4+6*5+5*6+4*7+3*8+2*1 = 194; 194 % 11 = 7; 11 - 7 = 4
    assert check_digit(nine) == 4
    ten_case = next(f"{n:09d}" for n in range(10**8, 10**9) if check_digit(f"{n:09d}") == 10)
    assert not any(nhs_number_is_valid(ten_case + str(d)) for d in range(10))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_is_right_unless_it_would_be_ten(nine):
    valid = [d for d in range(10) if nhs_number_is_valid(f"{nine}{d}")]
    expected = check_digit(nine)
    assert valid == ([] if expected == 10 else [expected])


def test_an_empty_number_is_allowed_and_the_search_form_says_what_is_wrong():
    validate_nhs_number("")
    form = ChildSearchForm({"nhs_number": "943 476 5918"})
    assert not form.is_valid()
    assert form.errors["nhs_number"] == ["Enter a real NHS number, like 943 476 5919"]
    assert ChildSearchForm({"nhs_number": "943-476-5919"}).is_valid()

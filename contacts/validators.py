from django.core.exceptions import ValidationError


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number modulus-11 check digit."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):  # not '²' or '٣'
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError("Enter a real NHS number, like 943 476 5919", code="invalid_nhs_number")

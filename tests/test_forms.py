"""Form pieces shared by the features: phone numbers typed in every usual way."""

from __future__ import annotations

import pytest

from familyapp.forms import normalise_phone


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("12345678", "12 34 56 78"),
        ("12 34 56 78", "12 34 56 78"),
        ("1234 5678", "12 34 56 78"),
        ("12-34-56-78", "12 34 56 78"),
        ("(+45) 12 34 56 78", "12 34 56 78"),
        ("+4512345678", "12 34 56 78"),
        ("0045 12345678", "12 34 56 78"),
        ("12.34.56.78", "12 34 56 78"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", None),
        ("1234567", None),
        ("123456789", None),
        ("ring til mormor", None),
        ("+45 12 34", None),
        ("+45 1234567", None),
        ("0045 123456789", None),
        ("12345678 eller 87654321", None),
    ],
)
def test_phone_numbers_in_odd_formats(typed, tidy):
    assert normalise_phone(typed) == tidy

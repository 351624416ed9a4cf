"""The map's lettering: widths estimated on the wide side, names shortened with "…", initials as the last resort."""

from __future__ import annotations

from familyapp.network.lettering import initials, shorten, text_width


def test_a_wide_name_is_measured_wider_than_a_narrow_one_and_an_unknown_letter_counts_as_wide():
    assert text_width("MMMM", 10) > text_width("iiii", 10)
    assert text_width("ŵ", 10) == text_width("A", 10)
    assert text_width("Bente", 10, bold=False) < text_width("Bente", 10)


def test_a_name_is_shortened_with_an_ellipsis_only_when_too_long():
    assert shorten("Bente", 5) == "Bente"
    assert shorten("Bente Hansen", 4) == "Ben…"
    assert shorten("Bo", 1) == "B…"


def test_initials_are_the_first_letters_of_two_words_never_nothing():
    assert initials("anne marie vestergaard") == "AM"
    assert initials("   ") == "?"

"""Texts kept as data (familyapp/textdata.py): the languages every text needs, and the error that lists reasons."""

from __future__ import annotations

import pytest

from familyapp import textdata


def test_every_language_of_the_app_is_required():
    assert set(textdata.LANGUAGES) == {"da", "en", "ar", "fa", "ur", "uk", "so", "tr", "pl"}


def test_a_definition_error_keeps_every_reason_and_reads_as_one_line():
    reasons = ["'title' has no 'en'", "item 3: 'key' is missing"]
    error = textdata.DefinitionError(reasons)
    assert error.reasons == reasons
    assert str(error) == "'title' has no 'en'; item 3: 'key' is missing"
    with pytest.raises(ValueError):  # callers that check values catch it too
        raise error

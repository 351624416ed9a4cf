"""Texts kept as data (familyapp/textdata.py): the languages every text needs, and the error that lists reasons."""

from __future__ import annotations

import pytest

from familyapp import textdata


def test_danish_and_english_are_required():
    assert set(textdata.LANGUAGES) == {"da", "en"}


def test_a_definition_error_keeps_every_reason_and_reads_as_one_line():
    reasons = ["'title' has no 'en'", "item 3: 'key' is missing"]
    error = textdata.DefinitionError(reasons)
    assert error.reasons == reasons
    assert str(error) == "'title' has no 'en'; item 3: 'key' is missing"
    with pytest.raises(ValueError):  # callers that check values catch it too
        raise error

"""Consent texts as data (familyapp/consent/texts.py): every shipped text is valid, and each kind of mistake in a
file is reported, all at once, with its exact reason."""

from __future__ import annotations

import copy

import pytest

from familyapp.consent import texts
from familyapp.gate.models import KINDS
from familyapp.textdata import LANGUAGES, DefinitionError

COVERS = f"'covers' must list some of {', '.join(KINDS)}"


def good() -> dict:
    return {
        "key": "share-plan",
        "version": 2,
        "covers": ["plan"],
        "requires": "one",
        "months": 12,
        "title": {lang: f"Titel {lang}" for lang in LANGUAGES},
        "purpose": {lang: f"Formål {lang}" for lang in LANGUAGES},
        "text": {lang: f"Tekst {lang}" for lang in LANGUAGES},
    }


def reasons(data) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        texts.validate(data)
    return caught.value.reasons


def test_the_shipped_texts_are_valid_and_have_different_keys():
    shipped = texts.shipped()
    assert shipped, "the app ships its consent texts"
    for data in shipped:
        assert texts.validate(data) is data
    assert len({d["key"] for d in shipped}) == len(shipped)


def every(text: str, **override) -> dict:
    """A text in every language of the app, with some changed (None: left out)."""
    texts_ = {code: text for code in LANGUAGES} | override
    return {code: value for code, value in texts_.items() if value is not None}


def test_a_good_text_comes_back_unchanged():
    data = good()
    assert texts.validate(data) == good()


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"colour": "red"}, "unknown field 'colour'"),
        ({"key": "Share Plan"}, "'key' must be a lower-case name such as 'share-plan'"),
        ({"key": 7}, "'key' must be a lower-case name such as 'share-plan'"),
        ({"version": 0}, "'version' must be a whole number from 1"),
        ({"version": True}, "'version' must be a whole number from 1"),
        ({"version": "2"}, "'version' must be a whole number from 1"),
        ({"covers": []}, COVERS),
        ({"covers": ["plan", "diagnoses"]}, COVERS),
        ({"requires": "most"}, "'requires' must be 'one' or 'all'"),
        ({"months": 61}, "'months' must be a whole number from 0 (until withdrawn) to 60"),
        ({"months": -1}, "'months' must be a whole number from 0 (until withdrawn) to 60"),
        ({"months": False}, "'months' must be a whole number from 0 (until withdrawn) to 60"),
        ({"title": "Titel"}, "'title' must have a text per language (da, en, ar, fa, ur, uk, so, tr, pl)"),
        ({"purpose": every("Formål", en=None)}, "missing translation 'en' in 'purpose'"),
        ({"text": every("Text", da="  ")}, "missing translation 'da' in 'text'"),
        ({"text": every("T", de="T")}, "text: unknown field 'de'"),
    ],
)
def test_each_mistake_has_its_reason(change, reason):
    assert reasons(good() | change) == [reason]


@pytest.mark.parametrize("months", [0, 60])
def test_months_from_0_to_60(months):
    assert texts.validate(good() | {"months": months})["months"] == months


def test_every_mistake_is_reported_at_once():
    data = copy.deepcopy(good())
    del data["requires"]
    data["version"] = -3
    data["title"].pop("en")
    assert reasons(data) == [
        "'version' must be a whole number from 1",
        "'requires' must be 'one' or 'all'",
        "missing translation 'en' in 'title'",
    ]


@pytest.mark.parametrize("data", [[], "share-plan", None])
def test_a_file_that_is_not_one_table_is_refused(data):
    assert reasons(data) == ["the file must hold one consent text (a table at the top)"]

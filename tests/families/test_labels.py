"""The family's choices in words: every phase and consultant's part has one, and the template filters of the same
names say it in the reader's language, from the enum or its stored value."""

from __future__ import annotations

import pytest
from flask import render_template_string

from familyapp.families import labels
from familyapp.families.models import AssignmentRole, Phase


def _said(app, language: str, template: str, **values) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template_string(template, **values)


@pytest.mark.parametrize("enum, words", [(Phase, labels.PHASES), (AssignmentRole, labels.ASSIGNMENT_ROLES)])
def test_every_member_has_a_label(enum, words):
    assert set(words) == set(enum)


def test_the_filters_are_registered_by_the_app(app):
    for name, say in labels.FILTERS.items():
        assert app.jinja_env.filters[name] is say is getattr(labels, name)


@pytest.mark.parametrize(
    "template, value, danish",
    [
        ("{{ v|phase_name }}", Phase.START, "Opstart"),
        ("{{ v|phase_name }}", Phase.MAPPING, "Kortlægning"),
        ("{{ v|phase_name }}", Phase.DEVELOPMENT, "Udvikling"),
        ("{{ v|assignment_role }}", AssignmentRole.PRIMARY, "familiekonsulent"),
        ("{{ v|assignment_role }}", AssignmentRole.CO_CONSULTANT, "makker"),
    ],
)
def test_a_filter_says_the_danish_word_from_the_enum_or_its_stored_value(app, template, value, danish):
    assert _said(app, "da", template, v=value) == danish
    assert _said(app, "da", template, v=value.value) == danish


def test_the_same_filter_says_english_to_an_english_reader(app):
    assert _said(app, "en", "{{ v|phase_name }}", v=Phase.MAPPING) == "Mapping"
    assert _said(app, "en", "{{ v|assignment_role }}", v="co_consultant") == "co-consultant"


def test_every_label_is_translated_into_danish(app):
    for enum_words in (labels.PHASES, labels.ASSIGNMENT_ROLES):
        for member, words in enum_words.items():
            with app.test_request_context(headers={"Accept-Language": "da"}):
                danish = str(words)
            with app.test_request_context(headers={"Accept-Language": "en"}):
                english = str(words)
            assert danish != english, member


def test_a_value_the_labels_do_not_know_is_said_as_it_is(app):
    assert _said(app, "da", "{{ v|phase_name }}", v="retired") == "retired"

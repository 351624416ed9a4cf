"""The meetings' choices in words: every meeting type, way of meeting and reply has one, and the template filters of
the same names say it in the reader's language, from the enum or its stored value."""

from __future__ import annotations

import pytest
from flask import render_template_string

from familyapp.meetings import labels
from familyapp.meetings.models import Answer, MeetingMode, MeetingType

LABELLED = [(MeetingType, labels.MEETING_TYPES), (MeetingMode, labels.MEETING_MODES), (Answer, labels.ANSWERS)]


def _said(app, language: str, template: str, **values) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template_string(template, **values)


@pytest.mark.parametrize("enum, words", LABELLED)
def test_every_member_has_a_label(enum, words):
    assert set(words) == set(enum)


def test_the_filters_are_registered_by_the_app(app):
    for name, say in labels.FILTERS.items():
        assert app.jinja_env.filters[name] is say is getattr(labels, name)


@pytest.mark.parametrize(
    "template, value, danish",
    [
        ("{{ v|meeting_type }}", MeetingType.STARTUP, "Opstartsmøde"),
        ("{{ v|meeting_type }}", MeetingType.HOME_VISIT, "Besøg hjemme"),
        ("{{ v|meeting_mode }}", MeetingMode.IN_PERSON, "Vi mødes"),
        ("{{ v|meeting_mode }}", MeetingMode.PHONE, "På telefon"),
        ("{{ v|meeting_mode }}", MeetingMode.VIDEO, "På video"),
        ("{{ v|meeting_answer }}", Answer.COMING, "kommer"),
        ("{{ v|meeting_answer }}", Answer.CANNOT, "kan ikke komme"),
    ],
)
def test_a_filter_says_the_danish_word_from_the_enum_or_its_stored_value(app, template, value, danish):
    assert _said(app, "da", template, v=value) == danish
    assert _said(app, "da", template, v=value.value) == danish


def test_the_same_filter_says_english_to_an_english_reader(app):
    assert _said(app, "en", "{{ v|meeting_type }}", v="home_visit") == "Home visit"
    assert _said(app, "en", "{{ v|meeting_answer }}", v=Answer.CANNOT) == "cannot come"


def test_every_label_is_translated_into_danish(app):
    for _enum, words in LABELLED:
        for member, text in words.items():
            with app.test_request_context(headers={"Accept-Language": "da"}):
                danish = str(text)
            with app.test_request_context(headers={"Accept-Language": "en"}):
                english = str(text)
            assert danish != english, member


def test_a_value_the_labels_do_not_know_is_said_as_it_is(app):
    assert _said(app, "da", "{{ v|meeting_type }}", v="party") == "party"

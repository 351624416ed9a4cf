"""The plan's choices in words: every traffic light, term and kind of change has one, and the template filters of
the same names say it in the reader's language, from the enum or its stored value."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import render_template_string

from familyapp.plans import labels
from familyapp.plans.models import GoalStatus, GoalTerm

SERVICES = Path(__file__).resolve().parents[2] / "familyapp" / "plans" / "services.py"


def _said(app, language: str, template: str, **values) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template_string(template, **values)


def _changes_kept_by_the_services() -> set[str]:
    """The change keys plans.services passes to ``_changed`` (literally or as either branch of an ``if``)."""
    keys = set()
    for node in ast.walk(ast.parse(SERVICES.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_changed":
            change = node.args[2]
            branches = [change.body, change.orelse] if isinstance(change, ast.IfExp) else [change]
            keys |= {b.value for b in branches if isinstance(b, ast.Constant)}
    return keys


@pytest.mark.parametrize("enum, words", [(GoalStatus, labels.GOAL_STATUSES), (GoalTerm, labels.GOAL_TERMS)])
def test_every_member_has_a_label(enum, words):
    assert set(words) == set(enum)


def test_every_change_the_services_keep_has_a_label():
    kept = _changes_kept_by_the_services()
    assert {"words_changed", "step_done", "step_reopened", "agreement_removed"} <= kept  # the scan works
    assert kept == set(labels.PLAN_CHANGES)


def test_the_filters_are_registered_by_the_app(app):
    for name, say in labels.FILTERS.items():
        assert app.jinja_env.filters[name] is say is getattr(labels, name)


@pytest.mark.parametrize(
    "template, value, danish",
    [
        ("{{ v|goal_status }}", GoalStatus.RED, "Rød"),
        ("{{ v|goal_status }}", GoalStatus.YELLOW, "Gul"),
        ("{{ v|goal_status }}", GoalStatus.GREEN, "Grøn"),
        ("{{ v|goal_term }}", GoalTerm.SHORT, "kort sigt"),
        ("{{ v|goal_term }}", GoalTerm.LONG, "lang sigt"),
    ],
)
def test_a_filter_says_the_danish_word_from_the_enum_or_its_stored_value(app, template, value, danish):
    assert _said(app, "da", template, v=value) == danish
    assert _said(app, "da", template, v=value.value) == danish


def test_a_change_is_said_in_danish_by_its_key(app):
    assert _said(app, "da", "{{ v|plan_change }}", v="goal_added") == "skrev et nyt mål"
    assert _said(app, "da", "{{ v|plan_change }}", v="step_done") == "satte hak ved et skridt"


def test_the_same_filter_says_english_to_an_english_reader(app):
    assert _said(app, "en", "{{ v|goal_status }}", v="yellow") == "Yellow"
    assert _said(app, "en", "{{ v|plan_change }}", v="goal_added") == "added a goal"


def test_every_label_is_translated_into_danish(app):
    for words in (labels.GOAL_STATUSES, labels.GOAL_TERMS, labels.PLAN_CHANGES):
        for key, text in words.items():
            with app.test_request_context(headers={"Accept-Language": "da"}):
                danish = str(text)
            with app.test_request_context(headers={"Accept-Language": "en"}):
                english = str(text)
            assert danish != english, key


def test_a_value_the_labels_do_not_know_is_said_as_it_is(app):
    assert _said(app, "da", "{{ v|goal_status }}", v="blue") == "blue"
    assert _said(app, "da", "{{ v|plan_change }}", v="plan_burnt") == "plan_burnt"

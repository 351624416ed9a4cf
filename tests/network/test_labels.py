"""The network's choices in words: every ring, part of life and relation has one (and a sentence), every change the
map keeps has one, and the template filters say them in the reader's language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import render_template_string

from familyapp.network import labels
from familyapp.network.models import RelationKind, Ring, Sector

SERVICES = Path(__file__).resolve().parents[2] / "familyapp" / "network" / "services.py"
LABELLED = [
    (Ring, labels.RINGS),
    (Sector, labels.SECTORS),
    (Sector, labels.SECTOR_SHORT),
    (RelationKind, labels.RELATIONS),
    (RelationKind, labels.RELATION_SENTENCES),
]


def _said(app, language: str, template: str, **values) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template_string(template, **values)


def _changes_kept_by_the_services() -> set[str]:
    """The change keys network.services passes to ``_changed``: literally, or through a variable set by an ``if``."""
    tree = ast.parse(SERVICES.read_text())
    assigned = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.IfExp):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = [node.value.body, node.value.orelse]
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_changed":
            change = node.args[2]
            branches = assigned.get(change.id, []) if isinstance(change, ast.Name) else [change]
            keys |= {b.value for b in branches if isinstance(b, ast.Constant)}
    return keys


@pytest.mark.parametrize("enum, words", LABELLED, ids=[f"{e.__name__}-{i}" for i, (e, _w) in enumerate(LABELLED)])
def test_every_member_has_a_label(enum, words):
    assert set(words) == set(enum)


def test_every_change_the_map_keeps_has_a_label():
    kept = _changes_kept_by_the_services()
    assert {"person_added", "person_moved", "person_changed", "person_removed"} <= kept  # the scan works
    assert kept == set(labels.MAP_CHANGES)


def test_the_filters_are_registered_by_the_app(app):
    for name, say in labels.FILTERS.items():
        assert app.jinja_env.filters[name] is say is getattr(labels, name)


@pytest.mark.parametrize(
    "value, danish",
    [("person_moved", "En person blev flyttet"), ("person_changed", "Oplysninger blev ændret")],
)
def test_map_change_says_the_danish_words(app, value, danish):
    assert _said(app, "da", "{{ v|map_change }}", v=value) == danish


@pytest.mark.parametrize(
    "kind, danish",
    [(RelationKind.PARENT, "Sara er forælder til Noah"), (RelationKind.SIBLING, "Sara og Noah er søskende")],
)
def test_relation_sentence_says_the_danish_sentence_from_the_enum_or_its_stored_value(app, kind, danish):
    template = '{{ v|relation_sentence("Sara", "Noah") }}'
    assert _said(app, "da", template, v=kind) == danish
    assert _said(app, "da", template, v=kind.value) == danish


def test_the_same_filters_say_english_to_an_english_reader(app):
    assert _said(app, "en", "{{ v|map_change }}", v="person_added") == "Someone was added"
    assert _said(app, "en", '{{ v|relation_sentence("Sara", "Jonas") }}', v="partner") == "Sara and Jonas are a couple"


def test_the_rings_and_parts_of_life_are_said_in_danish(app):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert str(labels.RINGS[Ring.CLOSE]) == "Tæt på os" and str(labels.RINGS[Ring.FAR]) == "Langt væk"
    for _enum, words in LABELLED:
        for member, text in words.items():
            with app.test_request_context(headers={"Accept-Language": "da"}):
                danish = str(text)
            with app.test_request_context(headers={"Accept-Language": "en"}):
                english = str(text)
            assert danish != english, member


def test_a_change_the_labels_do_not_know_is_said_as_it_is(app):
    assert _said(app, "da", "{{ v|map_change }}", v="person_cloned") == "person_cloned"

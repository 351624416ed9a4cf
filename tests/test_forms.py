"""Form pieces shared by the features: phone numbers typed in every usual way, and text from any phone."""

from __future__ import annotations

import pytest
from flask import request

from familyapp.forms import BaseForm, long_text, normalise_phone


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


class _NoteForm(BaseForm):
    note = long_text("Note", 500)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_every_line_ending_gives_the_same_text(app, newline):
    """Whatever the phone sends as a line break, forms and the views that read the form directly get ``\\n``."""
    typed = f"Første linje{newline}Anden linje{newline}{newline}Nyt afsnit"
    data = {"note": typed, "comment": [f"a{newline}b", f"c{newline}d"]}
    with app.test_request_context("/", method="POST", data=data):
        assert request.form["note"] == "Første linje\nAnden linje\n\nNyt afsnit"
        assert request.form.getlist("comment") == ["a\nb", "c\nd"]
        form = _NoteForm()
        assert form.validate() and form.note.data == "Første linje\nAnden linje\n\nNyt afsnit"


def test_an_edit_form_shows_the_objects_own_choice_and_the_values_passed_by_name(app):
    """An edit form filled from an object selects the object's enum choice (not the first in the list), and a
    value passed by name wins over the object's attribute of that name."""
    import enum
    from types import SimpleNamespace

    from wtforms import SelectField, StringField
    from wtforms.fields.choices import SelectChoice

    from familyapp.forms import BaseForm

    class Colour(enum.Enum):
        RED = "red"
        GREEN = "green"

    class ColourForm(BaseForm):
        colour = SelectField(choices=[SelectChoice("red", "Red"), SelectChoice("green", "Green")])
        name = StringField()

    with app.test_request_context():
        form = ColourForm(obj=SimpleNamespace(colour=Colour.GREEN, name="stored"), name="passed", meta={"csrf": False})
        assert form.colour.data == "green" and 'selected value="green"' in form.colour()
        assert form.name.data == "passed"

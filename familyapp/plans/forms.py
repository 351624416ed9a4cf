"""Forms for the plan. Choices that depend on the family (its members, its consultants) are set by the view."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import BaseForm, long_text, optional_text, required_text, strip, version_field
from .models import LONG_TEXT, SHORT_TEXT


def _long(label, description=None):
    return long_text(label, LONG_TEXT, description)


STATUS_CHOICES = [
    SelectChoice("red", _l("Red: not going well")),
    SelectChoice("yellow", _l("Yellow: on the way")),
    SelectChoice("green", _l("Green: going well")),
]
TERM_CHOICES = [SelectChoice("short", _l("Short term")), SelectChoice("long", _l("Long term"))]


class WordsForm(BaseForm):
    dreams = _long(_l("Our dreams (5-10 years)"), _l('In your own words. You may write "I" or "we".'))
    works = _long(_l("What works"), _l("One thing on each line."))
    worries = _long(_l("What we worry about"), _l("One thing on each line."))
    version = version_field()


class GoalForm(BaseForm):
    title = required_text(_l("The goal"), _l("Write the goal."), max_length=SHORT_TEXT)
    term = SelectField(_l("Short or long term"), choices=TERM_CHOICES, default="short")
    person = SelectField(_l("Who is the goal for?"), choices=[], default="")
    status = SelectField(_l("How is it going?"), choices=STATUS_CHOICES, default="yellow")
    green_looks_like = _long(_l("What does green look like?"), _l("How will you know the goal is reached?"))
    version = version_field()


class GoalNoteForm(GoalForm):
    """The consultant's edit form: the same fields plus the private note."""

    private_note = _long(_l("Private note"), _l("Only for the family's consultants. The family never sees it."))


class StepForm(BaseForm):
    text = required_text(_l("A small step"), _l("Write the step."), max_length=SHORT_TEXT)


class AgreementForm(BaseForm):
    what = required_text(_l("What will be done"), _l("Write what will be done."), max_length=SHORT_TEXT)
    who = SelectField(_l("Who does it?"), choices=[], validators=[DataRequired(message=_l("Choose who does it."))])
    who_name = StringField(
        _l("Name of the person or partner"),
        description=_l("Only when it is someone else, for example Mormor or the school."),
        filters=[strip],
        validators=[Length(max=100, message=_l("At most %(n)s characters.", n=100))],
    )
    due = DateField(_l("By when"), validators=[Optional()], description=_l("Optional."))
    version = version_field()

    def validate_who_name(self, field):
        if self.who.data == "other" and not field.data:
            raise ValidationError(_l("Write who it is."))


class StampForm(BaseForm):
    """Mark an earlier version as agreed at a meeting, on a day between the case's start and today."""

    meeting = required_text(_l("Which meeting"), _l("Write which meeting."), max_length=SHORT_TEXT)
    day = DateField(_l("Date of the meeting"), validators=[DataRequired(message=_l("Choose a valid date."))])

    def __init__(self, *args, start: date, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.today = start, today
        # A phone's date picker offers only the days that will be accepted.
        self.day.render_kw = {"min": start.isoformat(), "max": today.isoformat()}

    def validate_day(self, field):
        if field.data and not self.start <= field.data <= self.today:
            raise ValidationError(_("Choose a date from %(start)s to today.", start=format_date(self.start)))


class ReadinessForm(BaseForm):
    situation = required_text(
        _l("If this happens"),
        _l("Write the situation."),
        max_length=SHORT_TEXT,
        description=_l('A situation that may come back, for example "The mornings fall apart again".'),
    )
    what_we_do = _long(_l("Then we do this"))
    who_we_call = optional_text(_l("And we call"), SHORT_TEXT)

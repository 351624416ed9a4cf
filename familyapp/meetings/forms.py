"""Forms for meetings. Times are typed in Danish local time; the view turns them into UTC."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..forms import BaseForm, MultiCheckboxField, enum_choices, long_text, optional_text, required_text, version_field
from .labels import MEETING_MODES, MEETING_TYPES
from .models import LONG_TEXT, SHORT_TEXT


def _long(label, description=None):
    return long_text(label, LONG_TEXT, description)


TYPE_CHOICES = enum_choices(MEETING_TYPES)
MODE_CHOICES = enum_choices(MEETING_MODES)


class OtherParticipantForm(Form):
    name = optional_text(_l("Name"), 100)
    role = optional_text(_l("Role"), 100, _l("For example teacher or caseworker."))
    decides = BooleanField(_l("Can make decisions"))


class MeetingForm(BaseForm):
    type = SelectField(_l("Type of meeting"), choices=TYPE_CHOICES)
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Choose a valid date."))])
    start = TimeField(_l("From"), validators=[DataRequired(message=_l("Choose a valid time."))])
    end = TimeField(_l("To"), validators=[DataRequired(message=_l("Choose a valid time."))])
    mode = SelectField(_l("How"), choices=MODE_CHOICES)
    place = optional_text(_l("Where"), description=_l("An address, a room, or the phone number or video link."))
    purpose = _long(_l("Why we meet"), _l("In plain words."))
    preparation = _long(
        _l("How to prepare"), _l("For example: Why is this meeting important? What do you want out of it?")
    )
    members = MultiCheckboxField(_l("From the family"), choices=[])
    consultants = MultiCheckboxField(_l("Consultants"), choices=[])
    #: People on the family's network map (the view lists those the consultant may see).
    network = MultiCheckboxField(
        _l("From the network map"), choices=[], invalid_choice_message=_l("Choose people from the network map.")
    )
    others = FieldList(FormField(OtherParticipantForm), min_entries=3, max_entries=3)
    version = version_field()


class ReplyForm(BaseForm):
    answer = RadioField(
        _l("Can you come?"),
        choices=[SelectChoice("coming", _l("Yes, I am coming")), SelectChoice("cannot", _l("No, I cannot come"))],
        validators=[DataRequired(message=_l("Choose yes or no."))],
    )
    reason = optional_text(_l("Why not?"), description=_l("Only if you cannot come. You do not have to say."))
    wish = optional_text(_l("Another time that suits you"), description=_l("For example: Tuesday after 14."))


class SuggestForm(BaseForm):
    """A family member suggests people from the network map to invite."""

    people = MultiCheckboxField(
        _l("Who would you like to invite?"),
        choices=[],
        validators=[DataRequired(message=_l("Choose at least one person."))],
        invalid_choice_message=_l("Choose people from the network map."),
    )


class QuestionForm(BaseForm):
    text = required_text(_l("Your question or topic"), _l("Write your question."), max_length=SHORT_TEXT)


class CancelForm(BaseForm):
    reason = optional_text(_l("Why is the meeting cancelled?"))


class ReferatForm(BaseForm):
    minutes = _long(_l("What we talked about"))
    decisions = _long(_l("What we agreed"))
    next_step = _long(_l("Next step"), _l("For example the next meeting and who the contact person is."))
    version = version_field()


class FeedForm(BaseForm):
    with_details = BooleanField(_l("Also show the place and why we meet"))

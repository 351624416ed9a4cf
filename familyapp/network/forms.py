"""Forms for the network map, the family tree and the cases at the authorities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp

from ..forms import BaseForm, at_most, enum_choices, optional_text, phone_field, required_text, strip
from .labels import RELATIONS, RINGS, SECTORS
from .models import NAME_MAX, SHORT_TEXT


def _ring():
    return RadioField(
        _l("How close"),
        choices=enum_choices(RINGS),
        validators=[DataRequired(message=_l("Choose how close the person is."))],
        invalid_choice_message=_l("Choose how close the person is."),
    )


def _sector():
    return SelectField(
        _l("Part of life"),
        choices=enum_choices(SECTORS),
        validators=[DataRequired(message=_l("Choose a part of life."))],
        invalid_choice_message=_l("Choose a part of life."),
    )


class PersonForm(BaseForm):
    """Someone from the family's own life: family, friends, neighbours."""

    name = required_text(_l("Name or nickname"), _l("Write the person's name."), max_length=NAME_MAX, description=None)
    relation = required_text(
        _l("Who is it for you?"),
        _l("Write who the person is for you."),
        max_length=NAME_MAX,
        description=_l("For example grandmother, neighbour or friend."),
    )
    sector = _sector()
    ring = _ring()
    helps_with = optional_text(
        _l("What they help with"), description=_l("Optional. For example picks up Alma on Thursdays.")
    )
    phone = phone_field()
    co_consultant_may_see = BooleanField(_l("Our consultant's co-consultant (makker) may also see this person"))


class ProfessionalForm(BaseForm):
    """A professional around the family: teacher, PPR, caseworker, doctor."""

    name = required_text(_l("Name"), _l("Write the person's name."), max_length=NAME_MAX)
    relation = required_text(
        _l("Role"), _l("Write the person's role."), max_length=NAME_MAX, description=_l("For example teacher.")
    )
    organisation = optional_text(
        _l("Where they work"), NAME_MAX, _l("Optional. For example Vestre Skole or the jobcentre.")
    )
    decides = RadioField(
        _l("Makes decisions or supports?"),
        choices=[
            SelectChoice("yes", _l("Makes decisions about us (authority)")),
            SelectChoice("no", _l("Supports us")),
        ],
        validators=[DataRequired(message=_l("Choose whether the person makes decisions or supports."))],
        invalid_choice_message=_l("Choose whether the person makes decisions or supports."),
    )
    helps_with = optional_text(_l("What they do for the family"), description=_l("Optional. Keep it short."))
    sector = _sector()
    ring = _ring()
    phone = phone_field()
    email = StringField(
        _l("Email"),
        description=_l("Optional."),
        filters=[strip],
        validators=[
            Optional(),
            at_most(120),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Write an email address such as navn@kommune.dk.")),
        ],
    )


class RelationForm(BaseForm):
    """One line of the family tree: "A is a parent of B"."""

    a = SelectField(
        _l("Who"),
        choices=[],
        validators=[DataRequired(message=_l("Choose a person."))],
        invalid_choice_message=_l("Choose a person from the list."),
    )
    kind = SelectField(
        _l("Relation"), choices=enum_choices(RELATIONS), invalid_choice_message=_l("Choose one of the relations.")
    )
    b = SelectField(
        _l("And who"),
        choices=[],
        validators=[DataRequired(message=_l("Choose a person."))],
        invalid_choice_message=_l("Choose a person from the list."),
    )


class CaseForm(BaseForm):
    """One of the family's cases at an authority."""

    authority = required_text(
        _l("Which office"),
        _l("Write which office has the case."),
        max_length=NAME_MAX,
        description=_l("For example the jobcentre."),
    )
    about = required_text(
        _l("What it is about"),
        _l("Write what the case is about."),
        max_length=SHORT_TEXT,
        description=_l("Keep it short."),
    )
    contact = SelectField(
        _l("Contact person"),
        choices=[],
        description=_l("A professional on the network map."),
        invalid_choice_message=_l("Choose a contact person from the list."),
    )
    decided_by = optional_text(
        _l("Who makes the decisions"), NAME_MAX, _l("Optional. For example the caseworker at the jobcentre.")
    )
    next_step = optional_text(_l("What happens next"), description=_l("What the family can expect, in plain words."))

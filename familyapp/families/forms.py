"""Forms for a family's members."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import db


def _not_in_future(_form, field):
    if field.data and field.data > db.utcnow().date():
        raise ValidationError(_l("The birth date cannot be in the future."))


class AdultForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Write the person's name.")),
            Length(max=100, message=_l("At most 100 characters.")),
        ],
    )
    relation = StringField(
        _l("Relation in the family"),
        description=_l("In the family's own words, for example mor, far or plejemor."),
        validators=[
            DataRequired(message=_l("Write the relation.")),
            Length(max=60, message=_l("At most 60 characters.")),
        ],
    )
    young_person = BooleanField(_l("This is a young person (11 or older) with their own login"))


class ChildForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Write the child's name.")),
            Length(max=100, message=_l("At most 100 characters.")),
        ],
    )
    birth_date = DateField(
        _l("Birth date"),
        validators=[Optional(), _not_in_future],
        description=_l("Optional. Used later to show forms that fit the child's age."),
    )

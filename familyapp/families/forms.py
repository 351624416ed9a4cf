"""Forms for a family's members."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from .. import db
from ..forms import BaseForm, enum_choices, required_text
from .labels import PHASES


def _not_in_future(_form, field):
    if field.data and field.data > db.local_today():
        raise ValidationError(_l("The birth date cannot be in the future."))


def _relation(description):
    return required_text(
        _l("Relation in the family"), _l("Write the relation."), max_length=60, description=description
    )


class AdultForm(BaseForm):
    """A new adult with a login. A young person is added as a child first, then given a login (LoginForm)."""

    name = required_text(_l("Name"), _l("Write the person's name."))
    relation = _relation(_l("In the family's own words, for example mor, far or plejemor."))
    #: Sent by the button "No, it is another person" after the family was found to have someone of that name.
    different = BooleanField()
    custody = RadioField(
        _l("Custody (forældremyndighed)"),
        choices=[],
        default="unknown",
        description=_l("For a parent. Only a parent recorded with custody can give consent about the children."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.custody.choices = custody_choices()


def custody_choices() -> list[SelectChoice]:
    """Has custody, has not, or not known yet (then the parent's consent does not count until it is recorded)."""
    return [
        SelectChoice("yes", _l("Has custody")),
        SelectChoice("no", _l("Does not have custody")),
        SelectChoice("unknown", _l("Not known yet")),
    ]


#: A custody choice as stored.
CUSTODY = {"yes": True, "no": False, "unknown": None}


class PhaseForm(BaseForm):
    phase = SelectField(
        _l("Phase"),
        choices=enum_choices(PHASES),
        id="phase-choice",  # the home's section is #phase
    )


class CadenceForm(BaseForm):
    cadence = SelectField(
        _l("Follow-up"),
        choices=[
            SelectChoice("case_type", _l("As the case type says")),
            SelectChoice("six_weeks", _l("Every 6 weeks")),
            SelectChoice("three_months", _l("Every 3 months")),
            SelectChoice("phase", _l("The rhythm of the phase")),
        ],
    )


class LoginForm(BaseForm):
    """A login for someone already in the family (a child who is now old enough); prefixed with their id."""

    relation = _relation(_l("In the family's own words, for example datter or søn."))


class ChildForm(BaseForm):
    name = required_text(_l("Name"), _l("Write the child's name."))
    different = BooleanField()
    birth_date = DateField(
        _l("Birth date"),
        validators=[Optional(), _not_in_future],
        description=_l("Optional. Used later to show forms that fit the child's age."),
    )

"""Forms for activation by code and passkey names."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ActivationCodeForm(FlaskForm):
    code = StringField(
        _l("Activation code"),
        validators=[DataRequired(message=_l("Type the code you were given.")), Length(max=40)],
        description=_l("8 letters and digits, for example KM4T-XP7C. Dashes and spaces do not matter."),
    )


class RenamePasskeyForm(FlaskForm):
    label = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the passkey a name.")),
            Length(max=100, message=_l("At most 100 characters.")),
        ],
    )

"""Forms for activation by code and passkey names."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..forms import required_text


class ActivationCodeForm(FlaskForm):
    code = required_text(
        _l("Activation code"),
        _l("Type the code you were given."),
        max_length=40,
        description=_l("8 letters and digits, for example KM4T-XP7C. Dashes and spaces do not matter."),
    )


class RenamePasskeyForm(FlaskForm):
    label = required_text(_l("Name"), _l("Give the passkey a name."))

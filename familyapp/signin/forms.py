"""Forms for activation by code and passkey names."""

from flask_babel import lazy_gettext as _l

from ..forms import BaseForm, required_text


class ActivationCodeForm(BaseForm):
    code = required_text(
        _l("Activation code"),
        _l("Type the code you were given."),
        max_length=40,
        description=_l("8 letters and digits, for example KM4T-XP7C. Dashes and spaces do not matter."),
    )


class RenamePasskeyForm(BaseForm):
    label = required_text(_l("Name"), _l("Give the passkey a name."))

"""Forms for the national operator: a new municipality, and a municipality's first admin."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from .. import tenancy
from ..forms import BaseForm, phone_field, required_text


class MunicipalityForm(BaseForm):
    name = required_text(
        _l("Name"), _l("Write the municipality's name."), description=_l("For example Thisted Kommune.")
    )
    code = required_text(
        _l("Short code"),
        _l("Write a short code."),
        max_length=40,
        description=_l("Small letters, digits and dashes, for example thisted. It cannot be changed later."),
    )
    phone = phone_field(_l("Phone number for families"), _l("The switchboard. Optional."))

    def validate_code(self, field) -> None:
        field.data = (field.data or "").strip().lower()
        if not tenancy.CODE.fullmatch(field.data):
            raise ValidationError(_l("Use 2 to 40 small letters, digits and dashes, beginning with a letter."))
        if tenancy.by_code(field.data) is not None:
            raise ValidationError(_l("Another municipality has this code."))


class AdminForm(BaseForm):
    municipality = SelectField(_l("Municipality"))
    name = required_text(_l("Name of the administrator"), _l("Write the administrator's name."))

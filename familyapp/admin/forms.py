"""Forms for the team leader's pages: consultants, families and assignments."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..families.models import AssignmentRole, CaseType
from ..forms import BaseForm, optional_text, phone_field, required_text


class ContactForm(BaseForm):
    """How families reach a consultant."""

    phone = phone_field(_l("Phone number"), _l("Shown to the families, for example 12 34 56 78."))
    reachable = optional_text(_l("When families can call"), 100, _l("For example Mon-Fri 9-15."))


class MunicipalityForm(BaseForm):
    """The municipality's own number for families (its switchboard), shown on their home beside the consultant."""

    phone = phone_field(_l("Phone number for families"), _l("Shown to the families, for example 12 34 56 78."))


class ConsultantForm(ContactForm):
    name = required_text(_l("Name"), _l("Write the consultant's name."))


class FamilyForm(BaseForm):
    name = required_text(
        _l("Name of the family"), _l("Write the family's name."), description=_l("For example Familien Jensen.")
    )
    case_type = SelectField(
        _l("Type of case"),
        choices=[
            SelectChoice(CaseType.SUPPORT.value, _l("Support only: follow-up every 3 months")),
            SelectChoice(CaseType.INVESTIGATION.value, _l("With a child investigation: follow-up every 6 weeks")),
        ],
        validators=[DataRequired()],
    )
    start_date = DateField(_l("Start date"), validators=[DataRequired(message=_l("Choose a valid date."))])


class AssignForm(BaseForm):
    consultant = SelectField(_l("Consultant"), validators=[DataRequired(message=_l("Choose a consultant."))])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(AssignmentRole.PRIMARY.value, _l("Primary consultant")),
            SelectChoice(AssignmentRole.CO_CONSULTANT.value, _l("Co-consultant (makker)")),
        ],
        validators=[DataRequired()],
    )

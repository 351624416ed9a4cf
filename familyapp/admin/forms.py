"""Forms for the team leader's pages: consultants, families and assignments."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..families.models import AssignmentRole, Cadence, CaseType
from ..forms import BaseForm, MultiCheckboxField, optional_text, phone_field, required_text


class ContactForm(BaseForm):
    """How families reach a consultant."""

    phone = phone_field(_l("Phone number"), _l("Shown to the families, for example 12 34 56 78."))
    reachable = optional_text(_l("When families can call"), 100, _l("For example Mon-Fri 9-15."))


#: The follow-up rules a municipality may choose per case type (the usual rule is the installation's).
RULE_NAMES = {
    Cadence.SIX_WEEKS: _l("Every 6 weeks"),
    Cadence.THREE_MONTHS: _l("Every 3 months"),
    Cadence.PHASE: _l("The rhythm of the phase"),
}


class MunicipalityForm(BaseForm):
    """The municipality's settings: its number for families (its switchboard), shown on their home beside the
    consultant, and its own follow-up rule per case type. The views fill the rules' choices
    (``rule_choices``), as the usual rule is the installation's."""

    phone = phone_field(_l("Phone number for families"), _l("Shown to the families, for example 12 34 56 78."))
    cadence_support = SelectField(_l("Follow-up of support cases"), default="")
    cadence_investigation = SelectField(_l("Follow-up with a child investigation"), default="")
    languages = MultiCheckboxField(
        _l("Languages offered"),
        description=_l("Families and staff can choose among these. Danish is always offered."),
    )


def rule_choices(usual: Cadence) -> list[SelectChoice]:
    """A case type's choices: the usual rule (the installation's, named), then each rule a municipality may set."""
    usual_rule = SelectChoice("", _("The usual rule: %(rule)s", rule=RULE_NAMES[usual]))
    return [usual_rule, *(SelectChoice(rule.value, name) for rule, name in RULE_NAMES.items())]


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

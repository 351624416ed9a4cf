"""The family's choices in words: one source for the family's screens, the caseload, the forms and the family's
data.

Templates use the filters in ``FILTERS`` (registered by the app): ``{{ family.phase|phase_name }}``. Each takes the
enum or its stored value.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import labeller
from .models import AssignmentRole, Phase

#: The five phases of the course, in order.
PHASES = {
    Phase.START: _l("Start"),
    Phase.MAPPING: _l("Mapping"),
    Phase.DEVELOPMENT: _l("Development"),
    Phase.MAINTENANCE: _l("Maintenance"),
    Phase.CLOSING: _l("Closing"),
}
#: A consultant's part in a family, as the family's pages say it after the name.
ASSIGNMENT_ROLES = {AssignmentRole.PRIMARY: _l("family consultant"), AssignmentRole.CO_CONSULTANT: _l("co-consultant")}


#: Each in the reader's language, from the enum or its stored value; also the template filters of the same names.
phase_name = labeller(PHASES)
assignment_role = labeller(ASSIGNMENT_ROLES)
FILTERS = {"phase_name": phase_name, "assignment_role": assignment_role}

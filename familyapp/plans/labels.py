"""The plan's choices in words: one source for the plan's screens, its history and the family's data.

Templates use the filters in ``FILTERS`` (registered by the app): ``{{ goal.status|goal_status }}``. Each takes
the enum or its stored value (a kept version and the family's data export keep values).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import labeller
from .models import GoalStatus, GoalTerm

#: A goal's traffic light, as its badge says it (the form's choices explain each colour).
GOAL_STATUSES = {GoalStatus.RED: _l("Red"), GoalStatus.YELLOW: _l("Yellow"), GoalStatus.GREEN: _l("Green")}
#: A goal's term, as the plan and the family's data say it.
GOAL_TERMS = {GoalTerm.LONG: _l("long term"), GoalTerm.SHORT: _l("short term")}
#: What a kept version of the plan was made by (``PlanRevision.change``), after who made it ("Sara added a goal").
PLAN_CHANGES = {
    "words_changed": _l("changed the dreams, what works or what worries"),
    "goal_added": _l("added a goal"),
    "goal_changed": _l("changed a goal"),
    "goal_removed": _l("removed a goal"),
    "step_added": _l("added a step"),
    "step_done": _l("ticked off a step"),
    "step_reopened": _l("opened a step again"),
    "step_removed": _l("removed a step"),
    "agreement_added": _l("added an agreement"),
    "agreement_changed": _l("changed an agreement"),
    "agreement_done": _l("marked an agreement as done"),
    "agreement_reopened": _l("marked an agreement as not done"),
    "agreement_removed": _l("removed an agreement"),
}


#: Each in the reader's language, from the enum or its stored value (a change by its key, an unknown key as it is);
#: also the template filters of the same names.
goal_status = labeller(GOAL_STATUSES)
goal_term = labeller(GOAL_TERMS)
plan_change = labeller(PLAN_CHANGES)
FILTERS = {"goal_status": goal_status, "goal_term": goal_term, "plan_change": plan_change}

"""Follow-up cadence: how often a family is followed up, and when the next follow-up is due. Pure functions, and
the same rules as SQL expressions (``due_sql``, ``overdue_sql``) so that a caseload of any size is ordered
and filtered by them in the database; tests/meetings/test_cadence.py keeps the two in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, case, func, or_

from ..dates import add_months, sql_add_days, sql_add_months
from ..families.models import Cadence, CaseType, Family, Phase

#: Municipal defaults (seed 001): the case type sets the rule.
CASE_TYPE_RULE = {CaseType.SUPPORT: Cadence.THREE_MONTHS, CaseType.INVESTIGATION: Cadence.SIX_WEEKS}
#: The rhythm of each phase (seed 000), in days between contacts.
PHASE_RHYTHM_DAYS = {
    Phase.START: 7,
    Phase.MAPPING: 14,
    Phase.DEVELOPMENT: 14,
    Phase.MAINTENANCE: 28,
    Phase.CLOSING: 91,
}


def rule(family: Family) -> Cadence:
    """The family's effective rule: its own choice, or the municipality's default for its case type
    (``CADENCE_DEFAULTS`` in the config, from the environment; the model's rules otherwise)."""
    if family.cadence is not Cadence.CASE_TYPE:
        return family.cadence
    return case_type_rule(family.case_type)


def case_type_rule(case_type: CaseType) -> Cadence:
    """The municipality's rule for a case type (``CADENCE_DEFAULTS`` in the config, the model's otherwise)."""
    configured = current_app.config.get("CADENCE_DEFAULTS", {}) if has_app_context() else {}
    value = configured.get(case_type.value)
    return Cadence(value) if value else CASE_TYPE_RULE[case_type]


def next_after(day: date, family: Family) -> date:
    """When the follow-up after a contact on ``day`` is due."""
    effective = rule(family)
    if effective is Cadence.THREE_MONTHS:
        return add_months(day, 3)
    if effective is Cadence.SIX_WEEKS:
        return day + timedelta(weeks=6)
    return day + timedelta(days=PHASE_RHYTHM_DAYS[family.phase])


@dataclass(frozen=True)
class FollowUp:
    due: date
    overdue: bool
    #: Days until due (negative: days overdue).
    days_left: int


def follow_up(family: Family, last_contact: date | None, next_planned: date | None, today: date) -> FollowUp:
    """The next due follow-up: counted from the last meeting held with the family, or the start date.

    A planned meeting on or before the due date keeps the family on track; without one, a due date in the past
    is overdue.
    """
    due = next_after(last_contact or family.start_date, family)
    overdue = due < today and not (next_planned is not None and next_planned <= due)
    return FollowUp(due=due, overdue=overdue, days_left=(due - today).days)


def next_after_sql(day):
    """``next_after`` in SQL, for the family row of the statement: the follow-up after a contact on ``day`` (a
    date expression), by the family's own rule or its case type's."""

    def after(effective: Cadence):
        if effective is Cadence.THREE_MONTHS:
            return sql_add_months(day, 3)
        if effective is Cadence.SIX_WEEKS:
            return sql_add_days(day, 7 * 6)
        return sql_add_days(day, case(*[(Family.phase == phase, n) for phase, n in PHASE_RHYTHM_DAYS.items()]))

    by_case_type = [
        (and_(Family.cadence == Cadence.CASE_TYPE, Family.case_type == kind), after(case_type_rule(kind)))
        for kind in CaseType
    ]
    own = [(Family.cadence == choice, after(choice)) for choice in Cadence if choice is not Cadence.CASE_TYPE]
    return case(*by_case_type, *own)


def due_sql(last_contact):
    """The due date of ``follow_up`` in SQL, for the family row of the statement: counted from its last contact's
    day (a date expression, NULL without one) or its start date."""
    return next_after_sql(func.coalesce(last_contact, Family.start_date))


def overdue_sql(due, next_planned, today: date):
    """Whether ``follow_up`` calls it overdue, in SQL: from the due date and the next planned meeting's day (date
    expressions, NULL without a meeting planned). Give it columns: each expression is used twice."""
    return and_(due < today, or_(next_planned.is_(None), next_planned > due))


def suggested_months(family: Family, start: date, count: int = 12) -> list[date]:
    """Follow-up dates over the coming months from ``start`` (used to suggest an årshjul)."""
    end, days, current = add_months(start, count), [], start
    while True:
        current = next_after(current, family)
        if current >= end:
            return days
        days.append(current)

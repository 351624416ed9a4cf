"""Follow-up cadence: how often a family is followed up, and when the next follow-up is due. Pure functions, and
the same rules as SQL expressions (``due_sql``, ``overdue_sql``) so that a caseload of any size is ordered
and filtered by them in the database; tests/meetings/test_cadence.py keeps the two in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, case, func, or_

from .. import db, tenancy
from ..dates import add_months, sql_add_days, sql_add_months
from ..families.models import Cadence, CaseType, Family, Phase
from ..tenancy import Municipality

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


#: The rules a municipality (or the installation) may set for a case type.
CASE_TYPE_CHOICES = (Cadence.SIX_WEEKS, Cadence.THREE_MONTHS, Cadence.PHASE)


@dataclass(frozen=True)
class Rules:
    """A municipality's own follow-up rule per case type (a ``Cadence`` value; None: the installation's)."""

    support: str | None = None
    investigation: str | None = None

    @classmethod
    def of(cls, settings) -> Rules:
        """The rules in a municipality's settings as a family screen loaded them (``tenancy.ScreenSettings``)."""
        return cls(settings.cadence_support, settings.cadence_investigation)


def rules_of(family: Family) -> Rules:
    """The family's municipality's own rules (one statement, none when the municipality is loaded already)."""
    municipality = db.session.get(Municipality, family.municipality_id) if family.municipality_id else None
    return Rules(municipality.cadence_support, municipality.cadence_investigation) if municipality else Rules()


def rule(family: Family, rules: Rules | None = None) -> Cadence:
    """The family's effective rule: its own choice, or its municipality's rule for its case type (``rules``, read
    from the database when not given), else the installation's."""
    if family.cadence is not Cadence.CASE_TYPE:
        return family.cadence
    return case_type_rule(family.case_type, rules if rules is not None else rules_of(family))


def case_type_rule(case_type: CaseType, rules: Rules = Rules()) -> Cadence:
    """The rule for a case type: the municipality's own (``rules``), else the installation's."""
    own = getattr(rules, case_type.value)
    if own in {choice.value for choice in CASE_TYPE_CHOICES}:
        return Cadence(own)
    return installation_rule(case_type)


def installation_rule(case_type: CaseType) -> Cadence:
    """The installation's rule for a case type (``CADENCE_DEFAULTS`` in the config, from the environment; the
    model's otherwise)."""
    configured = current_app.config.get("CADENCE_DEFAULTS", {}) if has_app_context() else {}
    value = configured.get(case_type.value)
    return Cadence(value) if value else CASE_TYPE_RULE[case_type]


def next_after(day: date, family: Family, rules: Rules | None = None) -> date:
    """When the follow-up after a contact on ``day`` is due."""
    effective = rule(family, rules)
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


def follow_up(
    family: Family, last_contact: date | None, next_planned: date | None, today: date, rules: Rules | None = None
) -> FollowUp:
    """The next due follow-up: counted from the last meeting held with the family, or the start date.

    A planned meeting on or before the due date keeps the family on track; without one, a due date in the past
    is overdue. ``rules``: the municipality's, when the caller has read them (else they are read here).
    """
    due = next_after(last_contact or family.start_date, family, rules)
    overdue = due < today and not (next_planned is not None and next_planned <= due)
    return FollowUp(due=due, overdue=overdue, days_left=(due - today).days)


def next_after_sql(day, municipality):
    """``next_after`` in SQL, for the family row of the statement: the follow-up after a contact on ``day`` (a
    date expression), by the family's own rule or its municipality's for its case type (``municipality``: its id,
    a value or a bound parameter: one municipality per statement, so its rules are read once), else the
    installation's."""

    def after(effective: Cadence):
        if effective is Cadence.THREE_MONTHS:
            return sql_add_months(day, 3)
        if effective is Cadence.SIX_WEEKS:
            return sql_add_days(day, 7 * 6)
        return sql_add_days(day, case(*[(Family.phase == phase, n) for phase, n in PHASE_RHYTHM_DAYS.items()]))

    by_case_type = []
    for kind in CaseType:
        # Only a rule that may be chosen counts (as in ``case_type_rule``); anything else is the installation's.
        own = tenancy.setting_of(municipality, f"cadence_{kind.value}")
        chosen = case(
            (own.in_([choice.value for choice in CASE_TYPE_CHOICES]), own), else_=installation_rule(kind).value
        )
        for effective in CASE_TYPE_CHOICES:
            is_it = and_(Family.cadence == Cadence.CASE_TYPE, Family.case_type == kind, chosen == effective.value)
            by_case_type.append((is_it, after(effective)))
    own = [(Family.cadence == choice, after(choice)) for choice in Cadence if choice is not Cadence.CASE_TYPE]
    return case(*by_case_type, *own)


def due_sql(last_contact, municipality):
    """The due date of ``follow_up`` in SQL, for the family row of the statement: counted from its last contact's
    day (a date expression, NULL without one) or its start date; ``municipality`` as for ``next_after_sql``."""
    return next_after_sql(func.coalesce(last_contact, Family.start_date), municipality)


def overdue_sql(due, next_planned, today: date):
    """Whether ``follow_up`` calls it overdue, in SQL: from the due date and the next planned meeting's day (date
    expressions, NULL without a meeting planned). Give it columns: each expression is used twice."""
    return and_(due < today, or_(next_planned.is_(None), next_planned > due))


def suggested_months(family: Family, start: date, count: int = 12) -> list[date]:
    """Follow-up dates over the coming months from ``start`` (used to suggest an årshjul)."""
    end, days, current, rules = add_months(start, count), [], start, rules_of(family)
    while True:
        current = next_after(current, family, rules)
        if current >= end:
            return days
        days.append(current)

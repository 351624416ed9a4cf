"""Read-only queries over the plan, for the plan's own screens and for others (the family's home screen)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import defer, joinedload, load_only

from .. import db
from ..auth.models import User
from ..families.models import Assignment, Family, Person
from .models import Agreement, Goal, GoalStep, Plan, PlanRevision, ReadinessItem, WhoKind


def get_plan(family: Family) -> Plan:
    """The family's plan; until someone writes in it, a blank one that is not stored (version 0).

    Reading never creates rows (no state change on GET); the first save does.
    """
    plan = db.session.scalar(select(Plan).where(Plan.family_id == family.id))
    return plan or Plan(family_id=family.id, dreams="", works="", worries="", version=0)


def list_goals(family: Family) -> list[Goal]:
    """Goals with their steps (one query, joined), short-term first, oldest first."""
    stmt = (
        select(Goal)
        .where(Goal.family_id == family.id)
        .options(joinedload(Goal.steps))
        .order_by(Goal.term.desc(), Goal.created_at, Goal.id)
    )
    return list(db.session.scalars(stmt).unique())


def goal_progress(family: Family) -> list[tuple[Goal, int, int]]:
    """What the home screen shows of each goal: its title and traffic light, and how many of its steps are done
    of how many (one query, counted in SQL), in the plan's order.

    :return: (goal with its title and status only, steps done, steps in all)
    """
    return [(goal, done, total) for goal, done, total in db.session.execute(_goal_progress(), {"family": family.id})]


@cache
def _goal_progress() -> Select:
    """``goal_progress``'s statement, built once a process (the home screen asks it on every visit)."""
    steps = select(func.count()).where(GoalStep.goal_id == Goal.id).correlate(Goal)
    return (
        select(Goal, steps.where(GoalStep.done.is_(True)).scalar_subquery(), steps.scalar_subquery())
        .where(Goal.family_id == bindparam("family"))
        .options(load_only(Goal.title, Goal.status, raiseload=True))
        .order_by(Goal.term.desc(), Goal.created_at, Goal.id)
    )


def list_agreements(family: Family) -> list[Agreement]:
    """Open agreements by date (undated last), then done ones."""
    agreements = list(db.session.scalars(select(Agreement).where(Agreement.family_id == family.id)))
    return sorted(agreements, key=lambda a: (a.done, a.due is None, a.due or date.max, a.created_at))


def agreements_due(family: Family, today: date, days: int = 7) -> list[Agreement]:
    """Open agreements that are overdue or due within the coming days, soonest first."""
    return list(db.session.scalars(_agreements_due(), {"family": family.id, "until": today + timedelta(days=days)}))


@cache
def _agreements_due() -> Select:
    """``agreements_due``'s statement, built once a process (the home screen asks it on every visit)."""
    return (
        select(Agreement)
        .where(Agreement.family_id == bindparam("family"), Agreement.done_at.is_(None), Agreement.due.is_not(None))
        .where(Agreement.due <= bindparam("until"))
        .order_by(Agreement.due)
    )


def query_revisions(family: Family) -> Select:
    """The plan's history newest first, as (revision, the name of who changed it or None), for a page of it
    (``paging.fetch_page``): the name in the same statement (former consultants too), the kept plan itself not
    loaded (it is shown only when one version is opened)."""
    return (
        select(PlanRevision, User.name)
        .outerjoin(User, User.id == PlanRevision.actor_id)
        .where(PlanRevision.family_id == family.id)
        .options(defer(PlanRevision.snapshot, raiseload=True))
        .order_by(PlanRevision.at.desc(), PlanRevision.id.desc())
    )


def list_readiness(family: Family) -> list[ReadinessItem]:
    """The readiness plan's situations, oldest first."""
    stmt = select(ReadinessItem).where(ReadinessItem.family_id == family.id).order_by(ReadinessItem.created_at)
    return list(db.session.scalars(stmt))


def people_names(family: Family) -> dict:
    """Names of the family's members and consultants by id, to say who an agreement or goal is for."""
    persons = db.session.execute(select(Person.id, Person.name).where(Person.family_id == family.id)).all()
    consultants = db.session.execute(
        select(User.id, User.name)
        .join(Assignment, Assignment.consultant_id == User.id)
        .where(Assignment.family_id == family.id)
    ).all()
    return {id_: name for id_, name in [*persons, *consultants]}


def who_label(agreement: Agreement, names: dict) -> str:
    """The name of who does it."""
    if agreement.who_kind is WhoKind.OTHER:
        return agreement.who_name
    return names.get(agreement.who_person_id or agreement.who_user_id, "")

"""Changing the plan. Every change flushes, keeps a revision of the whole plan and writes an audit event;
an edit based on an older version raises Conflict instead of overwriting someone else's words."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import db
from ..audit import record_event
from ..families.models import Family
from ..locking import Conflict, check_version
from .models import Agreement, Goal, GoalStatus, GoalStep, GoalTerm, Plan, PlanRevision, ReadinessItem, WhoKind
from .queries import get_plan, list_agreements, list_goals, people_names, who_label


def snapshot(family: Family) -> dict:
    """The plan as the family sees it, as plain data (never the consultant's private notes)."""
    plan = get_plan(family)
    names = people_names(family)
    return {
        "dreams": plan.dreams,
        "works": plan.works,
        "worries": plan.worries,
        "goals": [
            {
                "title": g.title,
                "term": g.term.value,
                "person": names.get(g.person_id, ""),
                "status": g.status.value,
                "green_looks_like": g.green_looks_like,
                "steps": [{"text": s.text, "done": s.done} for s in g.steps],
            }
            for g in list_goals(family)
        ],
        "agreements": [
            {
                "what": a.what,
                "who": who_label(a, names),
                "due": a.due.isoformat() if a.due else None,
                "done": a.done,
            }
            for a in list_agreements(family)
        ],
    }


def _changed(family: Family, actor, change: str, obj=None) -> None:
    """Keep a revision of the whole plan and audit the change (the caller commits)."""
    db.session.flush()
    db.session.add(PlanRevision(family_id=family.id, actor_id=actor.id, change=change, snapshot=snapshot(family)))
    record_event(actor, f"plan.{change}", family=family, obj=obj)


def update_words(family: Family, data: dict, *, actor, version: int | None) -> Plan:
    """Change the dreams, what works and what worries.

    :param data: ``dreams``, ``works`` and ``worries`` texts.
    :param version: the plan version the form showed (0 for a plan nobody has written in yet); a different
        current version, or None, raises Conflict.
    :return: the plan.
    """
    plan = get_plan(family)
    check_version(plan, version)
    plan.dreams, plan.works, plan.worries = data["dreams"], data["works"], data["worries"]
    plan.updated_at = db.utcnow()
    if plan.version == 0:
        plan.version = None  # let the version counter start at 1 on insert
        try:
            # Two people saving the very first words at once: the second gets a conflict, not an error.
            with db.session.begin_nested():
                db.session.add(plan)
        except IntegrityError as exc:
            raise Conflict() from exc
    _changed(family, actor, "words_changed", plan)
    return plan


def add_goal(family: Family, data: dict, *, actor) -> Goal:
    """Add a goal (status yellow unless given).

    :param data: ``title``, ``term``, ``person_id``, ``green_looks_like``, optionally ``status``.
    :return: the goal.
    """
    goal = Goal(
        family_id=family.id,
        title=data["title"],
        term=GoalTerm(data.get("term") or "short"),
        person_id=data.get("person_id"),
        status=GoalStatus(data.get("status") or "yellow"),
        green_looks_like=data.get("green_looks_like") or "",
    )
    db.session.add(goal)
    _changed(family, actor, "goal_added", goal)
    return goal


def update_goal(family: Family, goal: Goal, data: dict, *, actor, version: int | None) -> Goal:
    """Change a goal's words, term, person, status and (consultants) private note."""
    check_version(goal, version)
    seen = (goal.title, goal.green_looks_like, goal.term, goal.status, goal.person_id)
    goal.title, goal.green_looks_like = data["title"], data["green_looks_like"]
    goal.term, goal.status, goal.person_id = GoalTerm(data["term"]), GoalStatus(data["status"]), data["person_id"]
    note_changed = "private_note" in data and data["private_note"] != goal.private_note
    if "private_note" in data:
        goal.private_note = data["private_note"]
    if seen != (goal.title, goal.green_looks_like, goal.term, goal.status, goal.person_id):
        _changed(family, actor, "goal_changed", goal)
    else:
        # Only the private note changed: the family's history must not even hint at it.
        db.session.flush()
    if note_changed:
        record_event(actor, "plan.private_note_changed", family=family, obj=goal)
    return goal


def delete_goal(family: Family, goal: Goal, *, actor) -> None:
    """Remove a goal and its steps (the history keeps what it said)."""
    db.session.delete(goal)
    _changed(family, actor, "goal_removed")


def add_step(family: Family, goal: Goal, text: str, *, actor) -> GoalStep:
    """Add a small step to a goal."""
    step = GoalStep(family_id=family.id, goal_id=goal.id, text=text)
    db.session.add(step)
    _changed(family, actor, "step_added", step)
    return step


def set_step_done(family: Family, step: GoalStep, done: bool, *, actor) -> None:
    """Tick a step off, or back on."""
    step.done = done
    _changed(family, actor, "step_done" if done else "step_reopened", step)


def delete_step(family: Family, step: GoalStep, *, actor) -> None:
    """Remove a step."""
    db.session.delete(step)
    _changed(family, actor, "step_removed")


def _apply_who(agreement: Agreement, who: tuple[WhoKind, object]) -> None:
    kind, value = who
    agreement.who_kind = kind
    agreement.who_person_id = value if kind is WhoKind.MEMBER else None
    agreement.who_user_id = value if kind is WhoKind.CONSULTANT else None
    agreement.who_name = value if kind is WhoKind.OTHER else ""


def add_agreement(family: Family, data: dict, *, actor) -> Agreement:
    """Add an agreement: who does what by when.

    :param data: ``what``, ``who`` (a (WhoKind, id or name) pair) and ``due``.
    :return: the agreement.
    """
    agreement = Agreement(family_id=family.id, what=data["what"], due=data.get("due"))
    _apply_who(agreement, data["who"])
    db.session.add(agreement)
    _changed(family, actor, "agreement_added", agreement)
    return agreement


def update_agreement(family: Family, agreement: Agreement, data: dict, *, actor, version: int | None) -> Agreement:
    """Change an agreement's words, who and date."""
    check_version(agreement, version)
    agreement.what, agreement.due = data["what"], data.get("due")
    _apply_who(agreement, data["who"])
    _changed(family, actor, "agreement_changed", agreement)
    return agreement


def set_agreement_done(family: Family, agreement: Agreement, done: bool, *, actor) -> None:
    """Mark an agreement done or not done."""
    agreement.done_at = db.utcnow() if done else None
    _changed(family, actor, "agreement_done" if done else "agreement_reopened", agreement)


def delete_agreement(family: Family, agreement: Agreement, *, actor) -> None:
    """Remove an agreement."""
    db.session.delete(agreement)
    _changed(family, actor, "agreement_removed")


def list_revisions(family: Family, limit: int = 100) -> list[PlanRevision]:
    """The plan's history, newest first."""
    stmt = select(PlanRevision).where(PlanRevision.family_id == family.id).order_by(PlanRevision.at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def stamp_agreed(family: Family, revision: PlanRevision, meeting: str, day: date, *, actor) -> None:
    """Mark a version of the plan as agreed at a meeting."""
    revision.agreed_on, revision.agreed_at_meeting, revision.agreed_by_id = day, meeting, actor.id
    record_event(actor, "plan.agreed", family=family, obj=revision)


def add_readiness_item(family: Family, data: dict, *, actor) -> ReadinessItem:
    """Add a situation to the readiness plan."""
    item = ReadinessItem(family_id=family.id, **data)
    db.session.add(item)
    db.session.flush()
    record_event(actor, "readiness.added", family=family, obj=item)
    return item


def delete_readiness_item(family: Family, item: ReadinessItem, *, actor) -> None:
    """Remove a situation from the readiness plan."""
    record_event(actor, "readiness.removed", family=family, obj=item)
    db.session.delete(item)
    db.session.flush()

"""Creating families, their members and their consultants' assignments. Services flush and audit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import db
from ..audit import record_event
from ..auth import notices
from ..auth.models import Role, User
from ..auth.services import create_user
from .models import Assignment, AssignmentRole, Cadence, CaseType, Family, Membership, Person, PersonKind, Phase


def create_family(name: str, case_type: CaseType, start_date: date, *, actor) -> Family:
    """Open a new case.

    :param name: what the family is called in lists ("Familien Jensen").
    :param case_type: sets the follow-up cadence.
    :param start_date: when the course starts.
    :param actor: the admin or consultant (None from the CLI).
    :return: the new family.
    """
    family = Family(name=name.strip(), case_type=case_type, start_date=start_date)
    db.session.add(family)
    db.session.flush()
    record_event(actor, "family.created", family=family, obj=family)
    return family


def add_adult(
    family: Family, name: str, relation: str, *, actor, young_person: bool = False, custody: bool | None = None
) -> User:
    """Add an adult (or a young person 11+) who is not yet in the family, with their own login.

    Two acts in one: the person is added (``family.member_added``) and given a login (``give_login``). Someone
    already in the family (a child who has turned 13) is given a login with ``give_login`` alone.

    :param family: the family.
    :param name: the person's name.
    :param relation: their relation in the family's words ("mor", "far").
    :param actor: who adds them.
    :param young_person: a young person's login instead of a parent's.
    :param custody: whether a parent has custody; None until it is known (then their consent does not count).
        The adults who already hold custody are told about a new one (not when the CLI sets up a family).
    :return: the new user, linked to a new person and a membership.
    """
    kind = PersonKind.CHILD if young_person else PersonKind.ADULT
    person = Person(family_id=family.id, kind=kind, name=name.strip())
    db.session.add(person)
    db.session.flush()
    record_event(actor, "family.member_added", family=family, obj=person)
    return _login_for(family, person, relation, actor=actor, custody=custody)


def why_no_login(person: Person, today: date) -> str | None:
    """Why a person of the family cannot be given a login now: ``"has_login"`` (they have one), ``"too_young"``
    (a child under 11), or None when they can (one query)."""
    if db.session.scalar(select(User.id).where(User.person_id == person.id).limit(1)) is not None:
        return "has_login"
    if not person.old_enough_for_login(today):
        return "too_young"
    return None


def give_login(family: Family, person: Person, relation: str, *, actor, custody: bool | None = None) -> User:
    """Give a login to a person already in the family: a child as a young person (11 or older), an adult as a
    parent. The person is never added a second time.

    :param family: the person's family.
    :param person: who gets the login (loaded within the family).
    :param relation: their relation in the family's words ("datter", "søn").
    :param actor: the primary consultant who vouches for the login.
    :param custody: for an adult, whether they have custody (None: not known yet).
    :return: the new user.
    :raises ValueError: when the person already has a login or is too young (``why_no_login`` says which).
    """
    # Two taps on the button at once give one login: the second waits here for the first, then finds it.
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    refused = why_no_login(person, db.local_today())
    if person.family_id != family.id or refused:
        raise ValueError(refused or "another family's person")
    user = _login_for(family, person, relation, actor=actor, custody=custody)
    record_event(actor, "family.login_added", family=family, obj=person, data={"role": user.role.value})
    return user


def _login_for(family: Family, person: Person, relation: str, *, actor, custody: bool | None) -> User:
    """A login and a membership for a person of the family (a child's login is a young person's)."""
    young_person = person.kind is PersonKind.CHILD
    role = Role.YOUNG_PERSON if young_person else Role.PARENT
    user = create_user(role, person.name, actor=actor, person=person, family=family)
    custody = None if young_person else custody
    db.session.add(Membership(user_id=user.id, family_id=family.id, relation=relation.strip(), custody=custody))
    db.session.flush()
    if custody and actor is not None:
        tell_custodians(family, user, actor=actor)
    return user


def change_phase(family: Family, phase: Phase, *, actor) -> None:
    """Move the family to another phase of its course."""
    if phase is family.phase:
        return
    old, family.phase = family.phase, phase
    db.session.flush()
    record_event(actor, "family.phase_changed", family=family, obj=family, data={"from": old.value, "to": phase.value})


def change_cadence(family: Family, cadence: Cadence, *, actor) -> None:
    """Set how often the family is followed up."""
    if cadence is family.cadence:
        return
    old, family.cadence = family.cadence, cadence
    db.session.flush()
    record_event(
        actor, "family.cadence_changed", family=family, obj=family, data={"from": old.value, "to": cadence.value}
    )


def add_child(family: Family, name: str, birth_date: date | None, *, actor) -> Person:
    """Add a child without a login (children under 11 have none)."""
    person = Person(family_id=family.id, kind=PersonKind.CHILD, name=name.strip(), birth_date=birth_date)
    db.session.add(person)
    db.session.flush()
    record_event(actor, "family.member_added", family=family, obj=person)
    return person


def assign_consultant(family: Family, consultant: User, role: AssignmentRole, *, actor) -> Assignment:
    """Assign a consultant (or change their role); one primary per family, so a new primary demotes the old.

    :return: the assignment.
    """
    if consultant.role is not Role.CONSULTANT:
        raise ValueError("only consultants can be assigned")
    if not consultant.active:
        # A new login that waits for a second person's confirmation (or one that is closed) reads no family.
        raise ValueError("only a consultant whose login is in effect can be assigned")
    assignments = list(db.session.scalars(select(Assignment).where(Assignment.family_id == family.id)))
    current = next((a for a in assignments if a.consultant_id == consultant.id), None)
    new = current is None
    if role is AssignmentRole.PRIMARY:
        for other in assignments:
            if other is not current and other.role is AssignmentRole.PRIMARY:
                other.role = AssignmentRole.CO_CONSULTANT
    if current is None:
        current = Assignment(consultant_id=consultant.id, family_id=family.id, role=role)
        db.session.add(current)
    current.role = role
    db.session.flush()
    # The consultant's id, so that "who has looked" can name who was added.
    data = {"role": role.value, "consultant": str(consultant.id)}
    record_event(actor, "family.consultant_assigned", family=family, obj=current, data=data)
    if new:
        tell_family_of_consultant(family, consultant, role, actor=actor)
    return current


def tell_family_of_consultant(family: Family, consultant: User, role: AssignmentRole, *, actor) -> int:
    """A new consultant can read the family's pages: tell every login of the family ("Ali Khan er nu også jeres
    konsulent"), on their home until they have read it.

    :return: how many were told.
    """
    members = list(db.session.scalars(select(Membership.user_id).where(Membership.family_id == family.id)))
    data = {"name": consultant.name, "role": role.value, "by": getattr(actor, "name", "")}
    for user_id in members:
        notices.tell(user_id, "consultant_assigned", family_id=family.id, data=data)
    return len(members)


def unassign_consultant(assignment: Assignment, *, actor) -> None:
    """Take a consultant off a family."""
    record_event(
        actor, "family.consultant_unassigned", family=db.session.get(Family, assignment.family_id), obj=assignment
    )
    db.session.delete(assignment)
    db.session.flush()


def set_custody(family: Family, membership: Membership, custody: bool | None, *, actor) -> None:
    """Record whether a parent has custody (forældremyndighed), or that it is not known (None)."""
    if membership.custody is custody:
        return
    membership.custody = custody
    db.session.flush()
    record_event(actor, "family.custody_changed", family=family, obj=membership, data={"custody": custody})
    if custody and actor is not None:
        tell_custodians(family, db.session.get(User, membership.user_id), actor=actor)


def set_interpreter(family: Family, person: Person, interpreter: bool | None, *, actor) -> None:
    """Record whether a person of the family needs an interpreter at meetings, or that it is not known (None)."""
    if person.interpreter is interpreter:
        return
    person.interpreter = interpreter
    db.session.flush()
    record_event(actor, "family.interpreter_changed", family=family, obj=person, data={"interpreter": interpreter})


def tell_custodians(family: Family, added: User, *, actor) -> int:
    """A new adult with custody speaks for the children too: tell the adults who already hold custody.

    :return: how many were told.
    """
    stmt = select(Membership.user_id).where(
        Membership.family_id == family.id, Membership.custody.is_(True), Membership.user_id != added.id
    )
    holders = list(db.session.scalars(stmt))
    by = getattr(actor, "name", "")
    for user_id in holders:
        notices.tell(user_id, "custody_added", family_id=family.id, data={"by": by, "name": added.name})
    return len(holders)

"""Read-only queries about families: members, consultants, caseloads. Other features may use these."""

from __future__ import annotations

from functools import cache

from flask import g
from sqlalchemy import Select, and_, bindparam, join, select
from sqlalchemy.orm import joinedload

from .. import db
from ..auth.models import User
from .models import Assignment, AssignmentRole, Family, Membership, Person


def list_people(family: Family) -> list[tuple[Person, User | None, Membership | None]]:
    """Every member of a family with their login and relation (None, None without one), in one query."""
    rows = db.session.execute(_list_people(), {"family": family.id}).all()
    seen: dict = {}
    for person, user, membership in rows:
        seen.setdefault(person.id, (person, user, membership))  # one login a person
    return list(seen.values())


@cache
def _list_people() -> Select:
    """``list_people``'s statement, built once a process (most family screens ask it)."""
    family = bindparam("family")
    login = join(User, Membership, and_(Membership.user_id == User.id, Membership.family_id == family))
    return (
        select(Person, User, Membership)
        .select_from(Person)
        .outerjoin(login, User.person_id == Person.id)
        .where(Person.family_id == family)
        .order_by(Person.created_at, Person.id)
    )


def list_consultants(family: Family) -> list[Assignment]:
    """The family's consultants, primary first, with the consultant loaded (one query)."""
    found = db.session.scalars(_list_consultants(), {"family": family.id})
    return sorted(found, key=lambda a: a.role is not AssignmentRole.PRIMARY)


@cache
def _list_consultants() -> Select:
    """``list_consultants``'s statement, built once a process (most family screens ask it)."""
    return (
        select(Assignment)
        .where(Assignment.family_id == bindparam("family"))
        .options(joinedload(Assignment.consultant))
        .order_by(Assignment.created_at)
    )


def caseload(consultant: User) -> list[tuple[Family, AssignmentRole]]:
    """The consultant's families with their role in each, by name."""
    stmt = (
        select(Family, Assignment.role)
        .join(Assignment, Assignment.family_id == Family.id)
        .where(Assignment.consultant_id == consultant.id)
        .order_by(Family.name)
    )
    return [(family, role) for family, role in db.session.execute(stmt)]


def household(family: Family) -> tuple[list, list]:
    """The family's members (with logins) and consultants, loaded once per request: a screen's choices and
    names share them."""
    cached = g.get("household")
    if cached is None or cached[0] != family.id:
        g.household = (family.id, people(family), list_consultants(family))
    return g.household[1], g.household[2]


def people(family: Family) -> list[tuple[Person, User | None, Membership | None]]:
    """The family's members (``list_people``), loaded once per request and shared with ``household``: for a screen
    that needs the people but not the consultants (one query, none when the household is loaded)."""
    cached = g.get("household")
    if cached is not None and cached[0] == family.id:
        return cached[1]
    kept = g.get("household_people")
    if kept is None or kept[0] != family.id:
        g.household_people = (family.id, list_people(family))
    return g.household_people[1]


def names(family: Family) -> dict:
    """Names by person id, by family member's user id and by consultant id."""
    people, consultants = household(family)
    result = {p.id: p.name for p, _u, _m in people} | {u.id: p.name for p, u, _m in people if u}
    return result | {a.consultant_id: a.consultant.name for a in consultants}


def namesake(family: Family, name: str) -> tuple[Person, User | None] | None:
    """Someone in the family already called ``name`` (case and repeated spaces do not matter), with their login
    if they have one: before a person is added, the consultant is asked whether it is the same person. One query."""
    wanted = " ".join(name.split()).casefold()
    stmt = (
        select(Person, User)
        .outerjoin(User, User.person_id == Person.id)
        .where(Person.family_id == family.id)
        .order_by(Person.created_at)
    )
    for person, user in db.session.execute(stmt):
        if " ".join(person.name.split()).casefold() == wanted:
            return person, user
    return None

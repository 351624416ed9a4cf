"""Read-only queries over the network map, for its own screens and for others (meetings pick participants here).

Who sees whom is decided in SQL, once: a private person is hidden from the family's co-consultant ("makker")
unless the family allows it. The rules below (``familyapp.viewer``) leave such a person, and the map's history and
family relations about them, out of every query a co-consultant's request makes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import defer

from .. import db, viewer
from ..access import FamilyView, get_in_family_or_404, is_co_consultant_clause
from ..families.models import Assignment, AssignmentRole, Family
from .models import AgencyCase, KinRelation, NetworkPerson, NetworkRevision, PersonKind


def visible_to(viewer_id, person=NetworkPerson):
    """SQL condition: this viewer may see the person. Professionals and people the family shares with the
    co-consultant are seen by all of the family's consultants; a private person only by the primary one."""
    return or_(
        person.kind == PersonKind.PROFESSIONAL,
        person.co_consultant_may_see.is_(True),
        ~exists().where(
            Assignment.family_id == person.family_id,
            Assignment.consultant_id == viewer_id,
            Assignment.role == AssignmentRole.CO_CONSULTANT,
        ),
    )


def visible_ids(viewer_id):
    """SQL: the ids of the people this viewer may see (for rows that point at a person)."""
    return select(NetworkPerson.id).where(visible_to(viewer_id))


def points_at_visible(column, viewer_id):
    """SQL condition for a row that may point at a person: it points at none, or at one the viewer may see."""
    return or_(column.is_(None), column.in_(visible_ids(viewer_id)))


@viewer.rule(NetworkPerson)
def _people_rule(viewer_id):
    return lambda cls: visible_to(viewer_id, cls)


def follows_the_map(model, *columns: str) -> None:
    """Register the viewer's rule for a table whose columns may point at a person on the map: a row pointing at
    someone hidden from the viewer is hidden with them (a meeting participant, a consent about them ...)."""

    def make_condition(viewer_id):
        return and_(*(points_at_visible(getattr(model, column), viewer_id) for column in columns))

    viewer.rule(model)(make_condition)


# A version made by a change about a hidden person would name them by its very existence.
follows_the_map(NetworkRevision, "person_id")
follows_the_map(KinRelation, "a_network_id", "b_network_id")


def list_people(view: FamilyView) -> list[NetworkPerson]:
    """The people on the map that the viewer may see, closest first, then by name (one query)."""
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == view.family.id, NetworkPerson.removed_at.is_(None))
    return sorted(db.session.scalars(stmt), key=lambda p: (p.ring.rank, p.name.casefold()))


def get_person_or_404(view: FamilyView, person_id) -> NetworkPerson:
    """One person on the map, if the viewer may see it; removed people and other families' are a 404."""
    return get_in_family_or_404(NetworkPerson, person_id, view.family, where=(NetworkPerson.removed_at.is_(None),))


def is_co_consultant(view: FamilyView) -> bool:
    """True when the viewer is the family's co-consultant ("makker")."""
    return view.can_edit and bool(db.session.scalar(select(is_co_consultant_clause(view.viewer, view.family.id))))


def people_by_id(family: Family, ids: set[uuid.UUID]) -> dict[uuid.UUID, NetworkPerson]:
    """Map people by id, removed ones included (a meeting or a case may point to someone no longer on the map)."""
    if not ids:
        return {}
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.id.in_(ids))
    return {p.id: p for p in db.session.scalars(stmt)}


def visible_ids_of(family: Family, among=None) -> set[uuid.UUID]:
    """Ids of the family's people, removed ones included, that the viewer may see (one query; the rules above
    leave the others out); only those ``among`` the given ids, when given."""
    stmt = select(NetworkPerson.id).where(NetworkPerson.family_id == family.id)
    if among is not None:
        stmt = stmt.where(NetworkPerson.id.in_(among))
    return set(db.session.scalars(stmt))


def list_revisions(view: FamilyView, limit: int = 100, offset: int = 0) -> list[NetworkRevision]:
    """Earlier versions of the map, newest first, without their contents (loaded only for the one compared);
    for a co-consultant, versions made by a change about someone hidden from them are left out by the rules."""
    stmt = (
        select(NetworkRevision)
        .where(NetworkRevision.family_id == view.family.id)
        .options(defer(NetworkRevision.snapshot))
        .order_by(NetworkRevision.at.desc(), NetworkRevision.id)
        .limit(limit)
        .offset(offset)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Versions:
    """A page of the map's versions to choose from, newest first, with the newest of all (today's map)."""

    newest: NetworkRevision | None
    listed: list[NetworkRevision]
    number: int
    more: bool


def versions_page(view: FamilyView, number: int, per_page: int) -> Versions:
    """The versions on page ``number`` (a page past the end is the last), without their contents, and the newest
    version the viewer may see: one query, however many versions there are."""
    numbered = (
        select(
            NetworkRevision.id.label("id"),
            func.row_number().over(order_by=(NetworkRevision.at.desc(), NetworkRevision.id)).label("n"),
            func.count().over().label("total"),
        )
        .where(NetworkRevision.family_id == view.family.id)
        .subquery()
    )
    first = (min(max(number, 1), 10_000) - 1) * per_page + 1
    start = case((numbered.c.total < first, (numbered.c.total - 1) // per_page * per_page + 1), else_=first)
    stmt = (
        select(NetworkRevision, numbered.c.n, numbered.c.total)
        .join(numbered, numbered.c.id == NetworkRevision.id)
        .where(or_(numbered.c.n == 1, numbered.c.n.between(start, start + per_page)))
        .options(defer(NetworkRevision.snapshot))
        .order_by(numbered.c.n)
    )
    rows = db.session.execute(stmt).all()
    if not rows:
        return Versions(newest=None, listed=[], number=1, more=False)
    total = rows[0][2]
    begin = first if total >= first else (total - 1) // per_page * per_page + 1
    return Versions(
        newest=rows[0][0],
        listed=[r for r, n, _t in rows if begin <= n < begin + per_page],
        number=(begin - 1) // per_page + 1,
        more=total >= begin + per_page,
    )


def default_revision(view: FamilyView, month_ago) -> NetworkRevision | None:
    """The version to compare today's map with when none is chosen: the newest that is at least a month old,
    else the oldest (one query, with its contents: it is the one compared)."""
    old_enough = NetworkRevision.at <= month_ago
    stmt = (
        select(NetworkRevision)
        .where(NetworkRevision.family_id == view.family.id)
        # Old enough ones first, newest of them first; when there are none, the oldest of the rest.
        .order_by(case((old_enough, 0), else_=1), case((old_enough, NetworkRevision.at)).desc(), NetworkRevision.at)
        .limit(1)
    )
    return db.session.scalar(stmt)


def snapshot_entries(view: FamilyView, revision: NetworkRevision) -> list[dict]:
    """The people of an earlier version whom the viewer may see: a version is kept whole as data, so the people
    hidden from the viewer today are left out by the ids the rules let through (the family sees everyone)."""
    if not view.can_edit:
        return list(revision.snapshot)
    ids = [_uuid(entry["id"]) for entry in revision.snapshot]
    visible = {str(i) for i in visible_ids_of(view.family, [i for i in ids if i is not None])}
    return [entry for entry in revision.snapshot if entry["id"] in visible]


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def list_relations(family: Family) -> list[KinRelation]:
    """The family relations of the family tree (one query)."""
    stmt = select(KinRelation).where(KinRelation.family_id == family.id).order_by(KinRelation.created_at)
    return list(db.session.scalars(stmt))


def _on_the_map(column):
    """SQL condition: the relation's side is a household member, or a person still on the map."""
    return or_(column.is_(None), column.in_(select(NetworkPerson.id).where(NetworkPerson.removed_at.is_(None))))


def tree_relations(family: Family) -> list[KinRelation]:
    """The relations the family tree shows: both people still there (and, by the rules, seen by the viewer)."""
    stmt = (
        select(KinRelation)
        .where(
            KinRelation.family_id == family.id,
            _on_the_map(KinRelation.a_network_id),
            _on_the_map(KinRelation.b_network_id),
        )
        .order_by(KinRelation.created_at)
    )
    return list(db.session.scalars(stmt))


def get_tree_relation_or_404(view: FamilyView, relation_id) -> KinRelation:
    """One relation of the family tree, as the viewer may see it; any other is a 404."""
    where = (_on_the_map(KinRelation.a_network_id), _on_the_map(KinRelation.b_network_id))
    return get_in_family_or_404(KinRelation, relation_id, view.family, where=where)


def list_cases(family: Family) -> list[AgencyCase]:
    """The family's cases at the authorities, by authority (one query)."""
    stmt = select(AgencyCase).where(AgencyCase.family_id == family.id).order_by(AgencyCase.authority)
    return list(db.session.scalars(stmt))

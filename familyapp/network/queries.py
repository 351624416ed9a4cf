"""Read-only queries over the network map, for its own screens and for others (meetings pick participants here).

Who sees whom is decided in the query: a private person is hidden from the family's partner consultant
("makker") unless the family allows it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import defer

from .. import db
from ..access import FamilyView, get_in_family_or_404, is_partner_clause
from ..families.models import Family
from .models import AgencyCase, KinRelation, NetworkPerson, NetworkRevision, PersonKind


def visible_clause(view: FamilyView):
    """SQL condition: the viewer may see this person on the family's map."""
    return or_(
        NetworkPerson.kind == PersonKind.PROFESSIONAL,
        NetworkPerson.partner_may_see.is_(True),
        ~is_partner_clause(view.viewer, NetworkPerson.family_id),
    )


def list_people(view: FamilyView) -> list[NetworkPerson]:
    """The people on the map that the viewer may see, closest first, then by name (one query)."""
    stmt = select(NetworkPerson).where(
        NetworkPerson.family_id == view.family.id, NetworkPerson.removed_at.is_(None), visible_clause(view)
    )
    return sorted(db.session.scalars(stmt), key=lambda p: (p.ring.rank, p.name.casefold()))


def get_person_or_404(view: FamilyView, person_id) -> NetworkPerson:
    """One person on the map, if the viewer may see it; removed people and other families' are a 404."""
    return get_in_family_or_404(
        NetworkPerson, person_id, view.family, where=(NetworkPerson.removed_at.is_(None), visible_clause(view))
    )


def is_partner(view: FamilyView) -> bool:
    """True when the viewer is the family's partner consultant ("makker")."""
    return view.can_edit and bool(db.session.scalar(select(is_partner_clause(view.viewer, view.family.id))))


def people_by_id(family: Family, ids: set[uuid.UUID]) -> dict[uuid.UUID, NetworkPerson]:
    """Map people by id, removed ones included (a meeting or a case may point to someone no longer on the map)."""
    if not ids:
        return {}
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.id.in_(ids))
    return {p.id: p for p in db.session.scalars(stmt)}


def hidden_ids(view: FamilyView) -> set[uuid.UUID]:
    """Ids of the family's people this viewer may not see (only a partner consultant has any); one query for a
    consultant, none for the family, who sees its whole map."""
    if not view.can_edit:
        return set()
    stmt = select(NetworkPerson.id).where(NetworkPerson.family_id == view.family.id, ~visible_clause(view))
    return set(db.session.scalars(stmt))


def list_revisions(view: FamilyView, hidden: set[uuid.UUID], limit: int = 100) -> list[NetworkRevision]:
    """Earlier versions of the map, newest first, without their contents (loaded only for the one compared);
    versions made by a change about someone hidden from the viewer are left out."""
    stmt = (
        select(NetworkRevision)
        .where(NetworkRevision.family_id == view.family.id)
        .options(defer(NetworkRevision.snapshot))
        .order_by(NetworkRevision.at.desc())
        .limit(limit)
    )
    if hidden:
        stmt = stmt.where(or_(NetworkRevision.person_id.is_(None), NetworkRevision.person_id.not_in(hidden)))
    return list(db.session.scalars(stmt))


def list_relations(family: Family) -> list[KinRelation]:
    """The family relations of the family tree (one query)."""
    stmt = select(KinRelation).where(KinRelation.family_id == family.id).order_by(KinRelation.created_at)
    return list(db.session.scalars(stmt))


def list_cases(family: Family) -> list[AgencyCase]:
    """The family's cases at the authorities, by authority (one query)."""
    stmt = select(AgencyCase).where(AgencyCase.family_id == family.id).order_by(AgencyCase.authority)
    return list(db.session.scalars(stmt))

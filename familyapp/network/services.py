"""Changing the network map, the family tree and the cases at the authorities.

Services flush and audit; the view commits. Every change to the map keeps a revision of the whole map, so today's
map can be compared with an earlier one.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from .. import db, gate
from ..audit import record_event
from ..families.models import Family
from .models import AgencyCase, KinRelation, NetworkPerson, NetworkRevision, PersonKind, RelationKind, Ring, Sector

#: The fields a person's form may set.
PERSON_FIELDS = (
    "name",
    "ring",
    "sector",
    "relation",
    "organisation",
    "helps_with",
    "phone",
    "email",
    "decides",
    "co_consultant_may_see",
)
CASE_FIELDS = ("authority", "about", "contact_id", "decided_by", "next_step")


class NetworkError(Exception):
    """A change that cannot be made; ``key`` names the message (network.views.MESSAGES)."""

    def __init__(self, key: str, name: str = ""):
        super().__init__(key)
        self.key, self.name = key, name


def _same(text: str) -> str:
    """Text compared for duplicates: case and repeated spaces do not matter."""
    return " ".join(text.split()).casefold()


def duplicate_of(data: dict, kind: PersonKind, among: list[NetworkPerson], exclude=None) -> NetworkPerson | None:
    """Someone already on the map with the same name and the same relation (or organisation, for professionals).

    Two people may share a name; what tells them apart must then be written.
    :param among: the people the actor can see (a hidden person is never revealed by a duplicate message).
    """
    detail = "organisation" if kind is PersonKind.PROFESSIONAL else "relation"
    for person in among:
        if person is exclude or person.kind is not kind:
            continue
        if _same(person.name) == _same(data["name"]) and _same(getattr(person, detail)) == _same(data[detail]):
            return person
    return None


def snapshot(family: Family) -> list[dict]:
    """The people on the map as plain data, for the map's history (hidden ones included, marked as such)."""
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.removed_at.is_(None))
    return [
        {
            "id": str(p.id),
            "kind": p.kind.value,
            "name": p.name,
            "ring": p.ring.value,
            "sector": p.sector.value,
            "relation": p.relation,
            "organisation": p.organisation,
            "decides": p.decides,
            "co_consultant_may_see": p.co_consultant_may_see,
        }
        for p in db.session.scalars(stmt)
    ]


def _changed(family: Family, actor, change: str, obj, data: dict | None = None) -> None:
    """Keep a revision of the whole map and audit the change (the caller commits)."""
    db.session.flush()
    db.session.add(
        NetworkRevision(
            family_id=family.id, actor_id=actor.id, change=change, person_id=obj.id, snapshot=snapshot(family)
        )
    )
    record_event(actor, f"network.{change}", family=family, obj=obj, data=data)
    db.session.flush()


def add_person(family: Family, kind: PersonKind, data: dict, *, actor, among: list[NetworkPerson]) -> NetworkPerson:
    """Put a person on the map.

    :param kind: private (the family's own network) or professional.
    :param data: the PERSON_FIELDS; ``ring`` and ``sector`` as enums.
    :param actor: the family member or consultant.
    :param among: the people on the map the actor can see, for the duplicate check.
    :return: the new person.
    """
    twin = duplicate_of(data, kind, among)
    if twin is not None:
        raise NetworkError("duplicate", twin.name)
    person = NetworkPerson(family_id=family.id, kind=kind, added_by_id=actor.id)
    _apply(person, data)
    db.session.add(person)
    _changed(family, actor, "person_added", person, {"kind": kind.value})
    return person


def _apply(person: NetworkPerson, data: dict) -> list[str]:
    """Set the given fields; return the names of those that changed."""
    changed = []
    for key in PERSON_FIELDS:
        if key in data and getattr(person, key, None) != data[key]:
            setattr(person, key, data[key])
            changed.append(key)
    if not person.is_professional:
        person.organisation, person.email, person.decides = "", "", False
    return changed


def update_person(
    family: Family, person: NetworkPerson, data: dict, *, actor, among: list[NetworkPerson]
) -> NetworkPerson:
    """Change a person's details or place on the map (a change of ring or sector is kept as a move).

    :param data: some of the PERSON_FIELDS (``co_consultant_may_see`` only from the family).
    :return: the person.
    """
    merged = {"name": person.name, "relation": person.relation, "organisation": person.organisation, **data}
    renamed = any(merged[k] != getattr(person, k) for k in ("name", "organisation"))
    if renamed and gate.is_recipient(person):
        # A consent names whom it was given to: another person behind the same entry would inherit it.
        raise NetworkError("consent_recipient", person.name)
    twin = duplicate_of(merged, person.kind, among, exclude=person)
    if twin is not None:
        raise NetworkError("duplicate", twin.name)
    before = (person.ring, person.sector)
    changed = _apply(person, data)
    if not changed:
        return person
    moved = before != (person.ring, person.sector)
    change = "person_moved" if moved and set(changed) <= {"ring", "sector"} else "person_changed"
    facts = {"fields": sorted(changed)}
    if moved:
        facts |= {"from": f"{before[0].value}/{before[1].value}", "to": f"{person.ring.value}/{person.sector.value}"}
    _changed(family, actor, change, person, facts)
    return person


def remove_person(family: Family, person: NetworkPerson, *, actor) -> None:
    """Take a person off the map. The row stays, so meetings they took part in and the map's history keep their
    name; their family relations go (the tree only shows people on the map), and so do their partner links (the
    consent gate already ignores people who are off the map)."""
    person.removed_at = db.utcnow()
    gate.revoke_links_of(family, person, actor=actor, now=person.removed_at)
    db.session.execute(
        delete(KinRelation).where(or_(KinRelation.a_network_id == person.id, KinRelation.b_network_id == person.id))
    )
    _changed(family, actor, "person_removed", person)


def parse_place(ring: str, sector: str) -> tuple[Ring, Sector]:
    """A ring and a sector from a form (already checked against the choices)."""
    return Ring(ring), Sector(sector)


# The family tree ------------------------------------------------------------------------------------------


def node_key(kind: str, node_id: uuid.UUID) -> str:
    """A family-tree node: ``"p:<id>"`` for a household member, ``"n:<id>"`` for a person on the map."""
    return f"{kind}:{node_id}"


def _split(key: str) -> tuple[str, uuid.UUID]:
    kind, _sep, raw = key.partition(":")
    return kind, uuid.UUID(raw)


def _ancestors(relations: list[KinRelation], key: str) -> set[str]:
    """Everyone above ``key`` through "parent of" relations."""
    parents: dict[str, set[str]] = {}
    for r in relations:
        if r.kind is RelationKind.PARENT:
            parents.setdefault(r.b_key, set()).add(r.a_key)
    seen, todo = set(), [key]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def add_relation(
    family: Family, kind: RelationKind, a_key: str, b_key: str, *, actor, visible: set[str]
) -> KinRelation:
    """Record that ``a`` is a parent of ``b``, or that they are siblings or a couple.

    :param a_key: a node key (``node_key``) the view took from the family's own choices.
    :param b_key: likewise.
    :param visible: the node keys the actor can see; the sense checks only follow relations among them, so a
        refusal never hints at someone hidden from the actor.
    :return: the relation.
    """
    if a_key == b_key:
        raise NetworkError("same_person")
    if kind is not RelationKind.PARENT:
        a_key, b_key = sorted((a_key, b_key))
    existing = list(db.session.scalars(select(KinRelation).where(KinRelation.family_id == family.id)))
    if any(r.kind is kind and (r.a_key, r.b_key) == (a_key, b_key) for r in existing):
        raise NetworkError("relation_exists")
    seen = [r for r in existing if r.a_key in visible and r.b_key in visible]
    if not _possible(seen, kind, a_key, b_key):
        raise NetworkError("relation_impossible")
    relation = KinRelation(family_id=family.id, kind=kind, a_key=a_key, b_key=b_key)
    for side, key in (("a", a_key), ("b", b_key)):
        node_kind, node_id = _split(key)
        setattr(relation, f"{side}_person_id" if node_kind == "p" else f"{side}_network_id", node_id)
    try:
        # Two taps on "add" race to insert the same pair: the second is told it is already there.
        with db.session.begin_nested():
            db.session.add(relation)
    except IntegrityError as exc:
        raise NetworkError("relation_exists") from exc
    record_event(actor, "network.relation_added", family=family, obj=relation, data={"kind": kind.value})
    return relation


def _possible(relations: list[KinRelation], kind: RelationKind, a_key: str, b_key: str) -> bool:
    """False for a relation that cannot be true: someone their own ancestor, a parent who is also a sibling or
    partner of the child, or siblings or a couple where one descends from the other."""
    if kind is RelationKind.PARENT:
        return b_key not in _ancestors(relations, a_key) and not _is_pair(relations, a_key, b_key)
    return a_key not in _ancestors(relations, b_key) and b_key not in _ancestors(relations, a_key)


def _is_pair(relations: list[KinRelation], a_key: str, b_key: str) -> bool:
    """True when the two are already recorded as siblings or partners (then one cannot be the other's parent)."""
    pair = tuple(sorted((a_key, b_key)))
    return any(r.kind is not RelationKind.PARENT and (r.a_key, r.b_key) == pair for r in relations)


def remove_relation(family: Family, relation: KinRelation, *, actor) -> None:
    """Take a relation out of the family tree."""
    record_event(actor, "network.relation_removed", family=family, obj=relation, data={"kind": relation.kind.value})
    db.session.delete(relation)
    db.session.flush()


# Cases at the authorities ---------------------------------------------------------------------------------


def _case_values(data: dict) -> dict:
    """The case's fields from a form's data: texts blank rather than missing, no contact as None."""
    return {k: data.get(k) or "" for k in CASE_FIELDS} | {"contact_id": data.get("contact_id")}


def add_case(family: Family, data: dict, *, actor) -> AgencyCase:
    """Add one of the family's cases at an authority (consultant).

    :param data: CASE_FIELDS; ``contact_id`` a professional on the family's map, or None.
    :return: the case.
    """
    case = AgencyCase(family_id=family.id, **_case_values(data))
    db.session.add(case)
    db.session.flush()
    record_event(actor, "network.case_added", family=family, obj=case)
    return case


def update_case(family: Family, case: AgencyCase, data: dict, *, actor) -> AgencyCase:
    """Change a case: its contact, who decides, what comes next."""
    values = _case_values(data)
    changed = [k for k, v in values.items() if getattr(case, k) != v]
    for key in changed:
        setattr(case, key, values[key])
    if changed:
        case.updated_at = db.utcnow()
        db.session.flush()
        record_event(actor, "network.case_changed", family=family, obj=case, data={"fields": changed})
    return case


def remove_case(family: Family, case: AgencyCase, *, actor) -> None:
    """Take a case off the list (it has ended)."""
    record_event(actor, "network.case_removed", family=family, obj=case)
    db.session.delete(case)
    db.session.flush()

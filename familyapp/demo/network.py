"""Familien Nielsen's network map in the demo, with its history, the family tree and the cases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import db
from ..auth.models import User
from ..families.models import Family, Person
from ..network import services as network_services
from ..network.models import NetworkPerson, NetworkRevision, PersonKind, RelationKind, Ring, Sector


def _person(name, relation, ring, sector, **extra) -> dict:
    return {"name": name, "relation": relation, "ring": ring, "sector": sector, "helps_with": "", "phone": "", **extra}


#: Nielsen's map two months ago: (kind, data). Bente was further away then, and Hanne and Louise were not there.
_MAP_BEFORE = [
    (
        PersonKind.PRIVATE,
        _person(
            "Bente",
            "mormor",
            Ring.MIDDLE,
            Sector.FAMILY,
            helps_with="Henter Alma om torsdagen",
            phone="20 11 22 33",
            co_consultant_may_see=True,
        ),
    ),
    (PersonKind.PRIVATE, _person("Erik", "morfar", Ring.MIDDLE, Sector.FAMILY, co_consultant_may_see=True)),
    (PersonKind.PRIVATE, _person("Kim", "Jonas' bror", Ring.FAR, Sector.FAMILY)),
    (PersonKind.PRIVATE, _person("Bo", "Noahs fodboldtræner", Ring.MIDDLE, Sector.LEISURE, co_consultant_may_see=True)),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Lise Holm",
            "Noahs lærer",
            Ring.MIDDLE,
            Sector.SCHOOL,
            organisation="Vestre Skole",
            helps_with="Noahs hverdag i 3.b",
            phone="99 17 40 00",
            decides=False,
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Pia Madsen",
            "pædagog",
            Ring.MIDDLE,
            Sector.SCHOOL,
            organisation="Børnehuset Mælkebøtten",
            helps_with="Almas dag i børnehaven",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Karsten Berg",
            "sagsbehandler",
            Ring.MIDDLE,
            Sector.AUTHORITIES,
            organisation="Børn og Familie",
            decides=True,
            phone="99 17 12 34",
            helps_with="Træffer afgørelse om jeres støtte",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Jens Nygaard",
            "jobkonsulent",
            Ring.FAR,
            Sector.AUTHORITIES,
            organisation="Jobcentret",
            decides=True,
            helps_with="Saras ydelse og jobsøgning",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Anne Vestergaard",
            "psykolog",
            Ring.FAR,
            Sector.SCHOOL,
            organisation="PPR",
            helps_with="Vurderer, hvad Noah har brug for i skolen",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Susanne Lund", "egen læge", Ring.FAR, Sector.HEALTH, organisation="Lægehuset Torvet", phone="97 92 00 00"
        ),
    ),
]


def add_network(family: Family, consultant: User, parent: User) -> dict[str, NetworkPerson]:
    """Nielsen's network map with two months of history, the family tree and the cases at the authorities.

    :return: the map's people by name (the meetings pick participants from them).
    """
    made: dict[str, NetworkPerson] = {}
    for kind, data in _MAP_BEFORE:
        actor = parent if kind is PersonKind.PRIVATE else consultant
        made[data["name"]] = network_services.add_person(family, kind, data, actor=actor, among=list(made.values()))
    # What the map looked like then is kept; the changes since are today's.
    two_months_ago = db.utcnow() - timedelta(days=61)
    stmt = select(NetworkRevision).where(NetworkRevision.family_id == family.id).order_by(NetworkRevision.at)
    for minutes, revision in enumerate(db.session.scalars(stmt)):
        revision.at = two_months_ago + timedelta(minutes=minutes)
    network_services.update_person(family, made["Bente"], {"ring": Ring.CLOSE}, actor=parent, among=[])
    for data in (
        _person("Hanne", "veninde", Ring.MIDDLE, Sector.FRIENDS, helps_with="Lytter, når det er svært"),
        _person("Louise", "Saras søster", Ring.CLOSE, Sector.FAMILY, co_consultant_may_see=True),
    ):
        made[data["name"]] = network_services.add_person(
            family, PersonKind.PRIVATE, data, actor=parent, among=list(made.values())
        )
    _add_tree(family, parent, made)
    _add_cases(family, consultant, made)
    return made


def _add_tree(family: Family, parent: User, made: dict[str, NetworkPerson]) -> None:
    """Sara's parents and sister, Jonas' brother, and the three children of Sara and Jonas."""
    household = {p.name: p.id for p in db.session.scalars(select(Person).where(Person.family_id == family.id))}
    p = {name: f"p:{pid}" for name, pid in household.items()}
    n = {name: f"n:{person.id}" for name, person in made.items()}
    relations = [
        (RelationKind.PARENT, n["Bente"], p["Sara Nielsen"]),
        (RelationKind.PARENT, n["Erik"], p["Sara Nielsen"]),
        (RelationKind.PARTNER, n["Bente"], n["Erik"]),
        (RelationKind.SIBLING, n["Louise"], p["Sara Nielsen"]),
        (RelationKind.SIBLING, n["Kim"], p["Jonas Hansen"]),
    ]
    for child in ("Alma", "Noah", "Freja"):
        relations += [
            (RelationKind.PARENT, p["Sara Nielsen"], p[child]),
            (RelationKind.PARENT, p["Jonas Hansen"], p[child]),
        ]
    for kind, a, b in relations:
        network_services.add_relation(family, kind, a, b, actor=parent, visible=set(p.values()) | set(n.values()))


def _add_cases(family: Family, consultant: User, made: dict[str, NetworkPerson]) -> None:
    """The family's cases at the jobcentre, the school, PPR and Børn og Familie."""
    cases = [
        (
            "Børn og Familie",
            "Jeres støtte fra en familiekonsulent",
            "Karsten Berg",
            "Karsten Berg, sagsbehandler",
            "Opfølgning hver 6. uge. Næste gang på skolen om fem dage.",
        ),
        (
            "Jobcentret",
            "Sara søger et fritidsjob og får hjælp til ansøgninger",
            "Jens Nygaard",
            "Jens Nygaard, jobkonsulent",
            "Samtale på jobcentret i næste uge.",
        ),
        ("Vestre Skole", "Noahs trivsel i frikvartererne", "Lise Holm", "Skolens leder", "Møde på skolen om fem dage."),
        (
            "PPR",
            "Hvad Noah har brug for i skolen",
            "Anne Vestergaard",
            "PPR sammen med skolen",
            "Anne ser Noah i klassen i december.",
        ),
    ]
    for authority, about, contact, decided_by, next_step in cases:
        data = {
            "authority": authority,
            "about": about,
            "contact_id": made[contact].id,
            "decided_by": decided_by,
            "next_step": next_step,
        }
        network_services.add_case(family, data, actor=consultant)

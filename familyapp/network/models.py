"""The network map (netværkskort): the people around the family in rings and sectors, the map's history,
family relations between them (genogram-light), and the family's cases at each authority (sager og aktører)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted

SHORT_TEXT = 300
NAME_MAX = 100


class PersonKind(enum.Enum):
    """Someone from the family's own life, or a professional."""

    PRIVATE = "private"
    PROFESSIONAL = "professional"


class Ring(enum.Enum):
    """How close the person is to the family, in the family's own judgement; in order, closest first."""

    CLOSE = "close"
    MIDDLE = "middle"
    FAR = "far"

    @property
    def rank(self) -> int:
        return list(Ring).index(self)


class Sector(enum.Enum):
    """The parts of life the map is divided into, clockwise from the top."""

    FAMILY = "family"  #: family and relatives
    FRIENDS = "friends"  #: friends and neighbours
    SCHOOL = "school"  #: school and daycare
    HEALTH = "health"  #: doctor, health visitor, psychiatry
    AUTHORITIES = "authorities"  #: the municipality and other authorities
    LEISURE = "leisure"  #: sports, clubs, associations


class NetworkPerson(Tenanted, Base):
    """One person on the family's map. Removing a person keeps the row (``removed_at``): meetings they took
    part in and earlier versions of the map still point to it."""

    __tablename__ = "network_people"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    kind: Mapped[PersonKind]
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    ring: Mapped[Ring]
    sector: Mapped[Sector]
    #: Private people: who they are to the family ("mormor", "nabo"). Professionals: their role ("lærer").
    relation: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    #: Professionals: the school, office or practice they work at.
    organisation: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    #: What they help with, or what they do for the family, in plain words.
    helps_with: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    #: Normalised for display ("+45 12 34 56 78"); empty when not given.
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    #: Professionals: True when they make decisions about the family (myndighed), False when they support.
    decides: Mapped[bool] = mapped_column(default=False)
    #: Private people: the family lets its co-consultant ("makker") see this person too.
    co_consultant_may_see: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    removed_at: Mapped[datetime | None]

    @property
    def is_professional(self) -> bool:
        return self.kind is PersonKind.PROFESSIONAL

    @property
    def label(self) -> str:
        """The name with who the person is to the family, for choices: "Bente (mormor)"."""
        return f"{self.name} ({self.relation})" if self.relation else self.name

    @property
    def role(self) -> str:
        """Who they are, with where they work: "lærer, Vestre Skole"."""
        return ", ".join(x for x in (self.relation, self.organisation) if x)

    def __repr__(self) -> str:
        return f"<NetworkPerson {self.id} {self.kind.value}>"


class NetworkRevision(Tenanted, Base):
    """The whole map as it was after one change, so today's map can be compared with an earlier one."""

    __tablename__ = "network_revisions"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    at: Mapped[created_at]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: What changed, as a key of network.labels.MAP_CHANGES, e.g. "person_added".
    change: Mapped[str] = mapped_column(String(40))
    #: The person the change was about (a partner consultant does not see changes about people hidden from them).
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_people.id"))
    #: The people on the map then: a list of dicts (see network.services.snapshot).
    snapshot: Mapped[list] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<NetworkRevision {self.change} at {self.at}>"


class RelationKind(enum.Enum):
    """Family relations for the simple family tree."""

    #: ``a`` is a parent of ``b``.
    PARENT = "parent"
    SIBLING = "sibling"
    PARTNER = "partner"


class KinRelation(Tenanted, Base):
    """A family relation between two people: household members (``Person``) or people on the map.

    Each side is exactly one of the two, so the tree can join the household to grandparents on the map.
    """

    __tablename__ = "kin_relations"
    __table_args__ = (
        CheckConstraint("(a_person_id IS NULL) <> (a_network_id IS NULL)", name="one_a"),
        CheckConstraint("(b_person_id IS NULL) <> (b_network_id IS NULL)", name="one_b"),
        UniqueConstraint("family_id", "kind", "a_key", "b_key", name="uq_kin_relations_pair"),
    )

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    kind: Mapped[RelationKind]
    a_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    a_network_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_people.id"))
    b_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    b_network_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_people.id"))
    #: "p:<id>" or "n:<id>" of each side; symmetric kinds store the smaller key as ``a``, so a pair is unique.
    a_key: Mapped[str] = mapped_column(String(40))
    b_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<KinRelation {self.kind.value}>"


class AgencyCase(Tenanted, Base):
    """One of the family's ongoing cases at an authority: where, about what, who the contact is, who decides,
    and what the family can expect next. Kept by the consultant, read by the family."""

    __tablename__ = "agency_cases"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    #: The authority or place: "Jobcentret", "Skolen", "Børne- og ungepsykiatrien".
    authority: Mapped[str] = mapped_column(String(NAME_MAX))
    #: What the case is about, in one line.
    about: Mapped[str] = mapped_column(String(SHORT_TEXT))
    #: The contact, when they are a professional on the map.
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_people.id"))
    #: Who makes the decisions in the case, in plain words ("Karsten Berg, sagsbehandler").
    decided_by: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    #: What the family can expect next.
    next_step: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    updated_at: Mapped[created_at]
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<AgencyCase {self.id}>"

"""The hub of the domain: a family (case), its members, and the consultants assigned to it."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, created_at, str_100, uuidpk
from ..tenancy import Tenanted

if TYPE_CHECKING:  # the login model is resolved by name: the family's models stand beside it, not on it
    from ..auth.models import User


class CaseType(enum.Enum):
    """The kind of case; it sets the follow-up cadence (seed 001, DIGEST 4.2)."""

    #: Support or compensation only: follow-up every 3 months.
    SUPPORT = "support"
    #: With a child investigation (børnefaglig undersøgelse): follow-up every 6 weeks.
    INVESTIGATION = "investigation"

    @property
    def cadence_weeks(self) -> int:
        return 13 if self is CaseType.SUPPORT else 6


class Cadence(enum.Enum):
    """How often the family is followed up; CASE_TYPE follows the case type's rule (seed 001)."""

    CASE_TYPE = "case_type"
    SIX_WEEKS = "six_weeks"
    THREE_MONTHS = "three_months"
    #: The rhythm of the current phase (seed 000): weekly at the start, every 3-4 weeks in maintenance ...
    PHASE = "phase"


class Phase(enum.Enum):
    """The five phases of the family's course (seed 000, DIGEST 4.1), in order."""

    START = "start"
    MAPPING = "mapping"
    DEVELOPMENT = "development"
    MAINTENANCE = "maintenance"
    CLOSING = "closing"


#: A child gets their own login (as a young person) from this age; younger children have none.
LOGIN_AGE = 11


class PersonKind(enum.Enum):
    ADULT = "adult"
    CHILD = "child"


class AssignmentRole(enum.Enum):
    PRIMARY = "primary"
    #: The "makker": a second consultant who knows the family.
    CO_CONSULTANT = "co_consultant"


class Family(Tenanted, Base):
    """One case: a household, its children and its consultants."""

    __tablename__ = "families"

    id: Mapped[uuidpk]
    name: Mapped[str_100]
    case_type: Mapped[CaseType]
    phase: Mapped[Phase] = mapped_column(default=Phase.START)
    cadence: Mapped[Cadence] = mapped_column(default=Cadence.CASE_TYPE, server_default="case_type")
    start_date: Mapped[date]
    created_at: Mapped[created_at]
    #: Goes up with every change to anything of the family (audit.record_event, audit.family_changed), never with
    #: a read: the family's pages are the same while it stands still, so a browser's copy can be reused (ETag).
    version: Mapped[int] = mapped_column(default=0, server_default="0")

    persons: Mapped[list[Person]] = relationship(back_populates="family", lazy="raise", order_by="Person.created_at")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="family", lazy="raise")

    def __repr__(self) -> str:
        return f"<Family {self.id}>"


class Person(Tenanted, Base):
    """A family member; children have a birth date, which later gates forms by age."""

    __tablename__ = "persons"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    kind: Mapped[PersonKind]
    name: Mapped[str_100]
    birth_date: Mapped[date | None]
    #: Needs an interpreter at meetings (True/False); None until the consultant records it.
    interpreter: Mapped[bool | None] = mapped_column(default=None)
    created_at: Mapped[created_at]

    family: Mapped[Family] = relationship(back_populates="persons", lazy="raise")

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a given day, or None without a birth date."""
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def old_enough_for_login(self, day: date) -> bool:
        """Whether the person may have a login of their own: an adult, or a child of 11 or more (or whose birth
        date is not written; the consultant knows them)."""
        age = self.age_on(day)
        return self.kind is PersonKind.ADULT or age is None or age >= LOGIN_AGE

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.kind.value}>"


class Membership(Tenanted, Base):
    """A login that belongs to a family, with its relation (parents living apart are two memberships)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "family_id"),)

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    #: In the family's words: "mor", "far", "plejemor", "ung" ...
    relation: Mapped[str] = mapped_column(String(60))
    #: A parent with custody (forældremyndighed): consents that need every custodial parent need theirs.
    #: None until the consultant has recorded it; only a recorded "yes" counts.
    custody: Mapped[bool | None] = mapped_column(default=None)
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(lazy="raise")
    family: Mapped[Family] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Membership {self.user_id} in {self.family_id}>"


class Assignment(Tenanted, Base):
    """A consultant assigned to a family."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("consultant_id", "family_id"),)

    id: Mapped[uuidpk]
    consultant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    role: Mapped[AssignmentRole]
    created_at: Mapped[created_at]

    consultant: Mapped[User] = relationship(lazy="raise")
    family: Mapped[Family] = relationship(back_populates="assignments", lazy="raise")

    def __repr__(self) -> str:
        return f"<Assignment {self.consultant_id} {self.role.value} {self.family_id}>"

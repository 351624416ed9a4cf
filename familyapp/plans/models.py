"""Familiens plan: the family's dreams, goals with small steps, agreements, what works and what worries,
the history of every change, and the readiness plan (beredskabsplan)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted

#: The longest text a family may write in one field; long enough for a letter, short enough for a phone.
LONG_TEXT = 4000
SHORT_TEXT = 300


class GoalStatus(enum.Enum):
    """The traffic light the family uses: red, yellow, green."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class GoalTerm(enum.Enum):
    SHORT = "short"
    LONG = "long"


class WhoKind(enum.Enum):
    """Who an agreement is for: a family member, the consultant, or another named person or partner."""

    MEMBER = "member"
    CONSULTANT = "consultant"
    OTHER = "other"


class Plan(Tenanted, Base):
    """One plan per family: the words that are not goals or agreements."""

    __tablename__ = "plans"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), unique=True, index=True)
    #: "Skyen": the family's dreams for the next 5-10 years, in their own words.
    dreams: Mapped[str] = mapped_column(Text, default="")
    #: "Det fungerer": what works.
    works: Mapped[str] = mapped_column(Text, default="")
    #: "Det bekymrer os": what the family worries about.
    worries: Mapped[str] = mapped_column(Text, default="")
    #: Optimistic locking: an edit based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[created_at]

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Plan of {self.family_id} v{self.version}>"


class Goal(Tenanted, Base):
    """A goal in the family's own words, with its traffic light and small steps."""

    __tablename__ = "goals"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    title: Mapped[str] = mapped_column(String(SHORT_TEXT))
    term: Mapped[GoalTerm] = mapped_column(default=GoalTerm.SHORT)
    #: The family member the goal is for, if it is one person's.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    status: Mapped[GoalStatus] = mapped_column(default=GoalStatus.YELLOW)
    #: The family's own description of what "green" looks like.
    green_looks_like: Mapped[str] = mapped_column(Text, default="")
    #: The consultant's private note: never shown to the family, never in history, print or export.
    private_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[created_at]

    steps: Mapped[list[GoalStep]] = relationship(
        back_populates="goal", lazy="raise", order_by="GoalStep.created_at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Goal {self.id} {self.status.value}>"


class GoalStep(Tenanted, Base):
    """A small step towards a goal, in the family's words."""

    __tablename__ = "goal_steps"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goals.id"), index=True)
    text: Mapped[str] = mapped_column(String(SHORT_TEXT))
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    goal: Mapped[Goal] = relationship(back_populates="steps", lazy="raise")

    def __repr__(self) -> str:
        return f"<GoalStep {self.id}>"


class Agreement(Tenanted, Base):
    """Who does what by when."""

    __tablename__ = "agreements"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    what: Mapped[str] = mapped_column(String(SHORT_TEXT))
    who_kind: Mapped[WhoKind]
    who_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    who_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: A named person or partner outside the family ("Skolen", "Mormor").
    who_name: Mapped[str] = mapped_column(String(100), default="")
    due: Mapped[date | None]
    done_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[created_at]

    __mapper_args__ = {"version_id_col": version}

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, today: date) -> bool:
        """Not done and past its date."""
        return not self.done and self.due is not None and self.due < today

    def __repr__(self) -> str:
        return f"<Agreement {self.id}>"


class PlanRevision(Tenanted, Base):
    """A kept version of the whole plan after one change: who changed what, when, and what it then said."""

    __tablename__ = "plan_revisions"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    at: Mapped[created_at]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: What changed, as a key of plans.labels.PLAN_CHANGES, e.g. "goal_added".
    change: Mapped[str] = mapped_column(String(40))
    #: The plan as the family saw it after the change (no private notes).
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: Set when the consultant stamps this version as agreed at a meeting.
    agreed_on: Mapped[date | None]
    agreed_at_meeting: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    agreed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<PlanRevision {self.change} at {self.at}>"


class ReadinessItem(Tenanted, Base):
    """Beredskabsplan: a situation that may come back, what we do then, and who we call."""

    __tablename__ = "readiness_items"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    situation: Mapped[str] = mapped_column(String(SHORT_TEXT))
    what_we_do: Mapped[str] = mapped_column(Text, default="")
    who_we_call: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ReadinessItem {self.id}>"

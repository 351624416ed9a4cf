"""Self-report scales: the definitions (versioned data), each person's answers, and their choices."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted


class ScaleDefinition(Base):
    """One version of a scale, as validated data (scales.definitions). Rows are never changed: a new wording or
    threshold is a new version; answers point to the version they were given on."""

    __tablename__ = "scale_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[uuidpk]
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    #: wellbeing, alliance, progression or functioning: which slot of the method the scale fills.
    purpose: Mapped[str] = mapped_column(String(20))
    #: self, parent (about a child) or professional (about a child).
    respondent: Mapped[str] = mapped_column(String(20))
    min_age: Mapped[int]
    max_age: Mapped[int]
    #: The whole definition as validated (items, texts in every language, scoring, schedule).
    data: Mapped[dict] = mapped_column(JSON)
    #: "shipped" with the app, or "loaded" by the municipality.
    source: Mapped[str] = mapped_column(String(20))
    #: The version in use for its purpose, respondent and ages; older and unused versions stay for their answers.
    active: Mapped[bool] = mapped_column(default=False)
    loaded_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ScaleDefinition {self.key} v{self.version}>"


class ScaleResponse(Tenanted, Base):
    """One person's answer in one window (before a meeting, after it, or in a cadence period).

    The row is made by the person's first draft, answer or "no thanks" (opening the form stores nothing); it holds
    the draft until it is sent (``submitted_at``) or declined. A sent answer never changes; the consultant marks it
    as discussed.
    """

    __tablename__ = "scale_responses"
    __table_args__ = (UniqueConstraint("user_id", "family_id", "window_key"),)

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scale_definitions.id"))
    #: Who answers: the parent or young person, or the consultant for a professional's rating.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The child the answer is about (functioning), if it is not about the respondent.
    about_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    #: Which window: "wellbeing.m.<meeting id>", "progression.c.3", "functioning.c.1.<person id>".
    window_key: Mapped[str] = mapped_column(String(120))
    #: When the window opened (the intended time) and closes.
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: When the person started the answer: their first draft, answer or "no thanks" made the row. (Older rows:
    #: when the form was first shown, as opening it used to make the row.)
    shown_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    #: Sent after the window closed: kept, and marked.
    late: Mapped[bool] = mapped_column(default=False)
    #: item key -> value, or null for "not answered" (never 0).
    answers: Mapped[dict | None] = mapped_column(JSON)
    #: A draft kept while the form is being filled.
    pending: Mapped[dict | None] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    #: Alerts found when the answer was sent, compared with the person's previous answer.
    alerts: Mapped[list | None] = mapped_column(JSON)
    #: The id the sending page gave the answer, so a repeated send is recognised and not counted twice.
    client_id: Mapped[str | None] = mapped_column(String(36))
    discussed_at: Mapped[datetime | None]
    discussed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: The consultant's note on the talk; for the consultants only.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ScaleResponse {self.window_key}>"


class ScaleSetting(Tenanted, Base):
    """A family member's own choices about the scales."""

    __tablename__ = "scale_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: Show the person their own answers about the collaboration (FIT leaves this to the family).
    show_alliance: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<ScaleSetting {self.user_id}>"

"""Meetings: what, when, where, who comes and why, how to prepare, the family's replies and questions, and the
referat afterwards; plus each user's private calendar subscription."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..db import Base, created_at, local_date, uuidpk
from ..tenancy import Tenanted

SHORT_TEXT = 300
LONG_TEXT = 4000


class MeetingType(enum.Enum):
    """The meeting types of the methods (DIGEST section 5)."""

    STARTUP = "startup"  #: opstartsmøde
    HOME_VISIT = "home_visit"  #: hjemmebesøg
    FOLLOW_UP = "follow_up"  #: opfølgningsmøde
    NETWORK = "network"  #: netværksmøde
    WORK = "work"  #: arbejdsmøde: professionals only, shown to the family with full transparency
    CASE_TEAM = "case_team"  #: sagsteammøde at the school
    GO_ALONG = "go_along"  #: gå-med to another office
    PHONE = "phone"  #: telefonopfølgning

    @property
    def with_family(self) -> bool:
        return self is not MeetingType.WORK


class MeetingMode(enum.Enum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class ParticipantKind(enum.Enum):
    MEMBER = "member"
    CONSULTANT = "consultant"
    OTHER = "other"
    #: Someone picked from the family's network map (name, role and say copied when the meeting is planned).
    NETWORK = "network"


class Answer(enum.Enum):
    COMING = "coming"
    CANNOT = "cannot"


class Meeting(Tenanted, Base):
    """One meeting. Times are stored in UTC and shown in Danish local time."""

    __tablename__ = "meetings"
    # A family's last and next meeting are read from here for every family of a caseload.
    __table_args__ = (Index("ix_meetings_family_id_starts_at", "family_id", "starts_at"),)

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    type: Mapped[MeetingType]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    #: The day of ``starts_at`` in Danish time, kept with it: the caseload counts follow-ups in days, in SQL,
    #: and SQLite knows no time zones. Set with every start (never None once saved; nullable only so that the
    #: migration could add it to a table that foreign keys point at).
    day: Mapped[date | None]
    ends_at: Mapped[datetime]
    mode: Mapped[MeetingMode] = mapped_column(default=MeetingMode.IN_PERSON)
    #: An address, a room, or the phone number or video link.
    place: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    #: Why we meet, in plain words.
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: How to prepare: the consultant's help to the family.
    preparation: Mapped[str] = mapped_column(Text, default="")
    #: When the meeting was moved, the time it had before (the move stays visible).
    moved_from: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    #: The referat: what was talked about, what was agreed, the next step; shared with the family in full.
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    referat_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[created_at]

    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", lazy="raise", cascade="all, delete-orphan", order_by="MeetingParticipant.created_at"
    )

    __mapper_args__ = {"version_id_col": version}

    @validates("starts_at")
    def _keep_day(self, _key, starts_at: datetime) -> datetime:
        """The day follows the time, however the meeting is planned or moved."""
        self.day = local_date(starts_at)
        return starts_at

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<Meeting {self.type.value} {self.starts_at}>"


class MeetingParticipant(Tenanted, Base):
    """Who comes: a family member, a consultant, or a named person or partner, with role and say."""

    __tablename__ = "meeting_participants"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[ParticipantKind]
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: The person on the network map this participant was picked from.
    network_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("network_people.id"))
    name: Mapped[str] = mapped_column(String(100), default="")
    #: Their role in plain words: "lærer", "sagsbehandler", "mormor".
    role: Mapped[str] = mapped_column(String(100), default="")
    #: True: can make decisions (myndighed); False: supports.
    decides: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    meeting: Mapped[Meeting] = relationship(back_populates="participants", lazy="raise")

    def __repr__(self) -> str:
        return f"<MeetingParticipant {self.kind.value}>"


class MeetingReply(Tenanted, Base):
    """A family member's answer: coming, or cannot come (with a reason and a wish for another time)."""

    __tablename__ = "meeting_replies"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[Answer]
    reason: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    wish: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    updated_at: Mapped[created_at]
    #: When a consultant opened the meeting after this reply (None: waiting in the caseload).
    seen_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MeetingReply {self.answer.value}>"


class MeetingQuestion(Tenanted, Base):
    """A question or topic the family wants to bring up."""

    __tablename__ = "meeting_questions"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(String(SHORT_TEXT))
    created_at: Mapped[created_at]
    seen_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MeetingQuestion {self.id}>"


class MeetingSuggestion(Tenanted, Base):
    """A family member suggests someone from the network map to invite; the consultant decides."""

    __tablename__ = "meeting_suggestions"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", "network_person_id"),)

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    network_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network_people.id"))
    created_at: Mapped[created_at]
    seen_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MeetingSuggestion {self.id}>"


class CalendarFeed(Tenanted, Base):
    """A user's private calendar subscription: a secret in the address; revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    #: SHA-256 of the secret in the subscription address.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: False: only the title and the time; True: also the place and the purpose.
    with_details: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<CalendarFeed of {self.user_id}>"

"""Reminders on the phone: each person's push subscriptions, what they want to be reminded of, and what has been
sent (so each reminder goes out once)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted, TenantedOrNational

#: What a person can be reminded of.
KINDS = ("meeting", "scale", "referat")


class PushSubscription(TenantedOrNational, Base):
    """A browser's push address for one person. The address belongs to the browser, so a second person signing
    in on the same phone takes it over."""

    __tablename__ = "push_subscriptions"

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The push service's address for this browser (a capability URL: kept, never shown).
    endpoint: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the endpoint: unique, so one browser is one row.
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[created_at]
    last_sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<PushSubscription of {self.user_id}>"


class ReminderSetting(Tenanted, Base):
    """Which reminders a person wants; each can be switched off on its own."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    meeting: Mapped[bool] = mapped_column(default=True)
    scale: Mapped[bool] = mapped_column(default=True)
    referat: Mapped[bool] = mapped_column(default=True)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    def __repr__(self) -> str:
        return f"<ReminderSetting {self.user_id}>"


class ReminderSent(Tenanted, Base):
    """A reminder that has gone out: the same one is never sent twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: What it was about: "meeting:<id>", "scale:<window key>", "referat:<meeting id>:<time>".
    key: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ReminderSent {self.key}>"

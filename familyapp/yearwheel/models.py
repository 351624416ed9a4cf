"""The årshjul: what will happen in the family's year, placed by month without a date, each with a purpose."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted


class YearActivity(Tenanted, Base):
    """One planned activity in a month; linked to a meeting once that is dated."""

    __tablename__ = "year_activities"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    #: Why it happens, in plain words.
    purpose: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<YearActivity {self.year}-{self.month:02d}>"

"""When a scale can be filled: windows anchored to meetings or to a cadence. Pure functions.

Times are worked out on the Danish wall clock: "48 hours before" a Monday 10:00 meeting opens on Saturday at 10:00,
also across a change to or from summer time (then 47 or 49 real hours), because that is how people read it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..dates import add_months
from ..db import LOCAL_ZONE


@dataclass(frozen=True)
class Window:
    """A time in which one person may fill one scale."""

    key: str
    purpose: str
    opens_at: datetime
    closes_at: datetime
    meeting_id: uuid.UUID | None = None
    #: The meeting's start (before a meeting) or end (after it), for "fill before the meeting on Thursday".
    meeting_at: datetime | None = None
    about_person_id: uuid.UUID | None = None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_late(self, now: datetime) -> bool:
        return now >= self.closes_at


def _wall(moment: datetime, delta: timedelta) -> datetime:
    """``moment`` moved by ``delta`` on the Danish wall clock, back in UTC."""
    return (moment.astimezone(LOCAL_ZONE) + delta).astimezone(UTC)


def before_meeting(purpose: str, meeting_id: uuid.UUID, starts_at: datetime, hours: int) -> Window:
    """Open ``hours`` before the meeting (wall clock), closed when it starts."""
    return Window(
        key=f"{purpose}.m.{meeting_id}",
        purpose=purpose,
        opens_at=_wall(starts_at, -timedelta(hours=hours)),
        closes_at=starts_at,
        meeting_id=meeting_id,
        meeting_at=starts_at,
    )


def after_meeting(purpose: str, meeting_id: uuid.UUID, ends_at: datetime, days: int) -> Window:
    """Open when the meeting ends, for ``days`` days (wall clock)."""
    return Window(
        key=f"{purpose}.m.{meeting_id}",
        purpose=purpose,
        opens_at=ends_at,
        closes_at=_wall(ends_at, timedelta(days=days)),
        meeting_id=meeting_id,
        meeting_at=ends_at,
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def every_months(
    purpose: str, start: date, months: int, window_days: int, today: date, about: uuid.UUID | None = None
) -> Window | None:
    """The window of the current period: every ``months`` months from the course's start, open ``window_days``
    days from the period's first day. None before the course starts.

    :param today: the Danish date that counts as today.
    :param about: the child the answer is about, if any (one window per child).
    """
    if today < start:
        return None
    period = 0
    while add_months(start, (period + 1) * months) <= today:
        period += 1
    return period_window(purpose, start, months, window_days, period, about)


def period_window(
    purpose: str, start: date, months: int, window_days: int, period: int, about: uuid.UUID | None = None
) -> Window:
    """The window of one period of a cadence (0 is the first), also one that has given way to the next."""
    first = add_months(start, period * months)
    suffix = f".{about}" if about else ""
    return Window(
        key=f"{purpose}.c.{period}{suffix}",
        purpose=purpose,
        opens_at=_midnight(first),
        closes_at=_midnight(first + timedelta(days=window_days)),
        about_person_id=about,
    )

"""What the parts of the demo share: its mark and users, and dates counted from today."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import db

DEMO_MARK = "(demo)"
LOCAL = ZoneInfo("Europe/Copenhagen")
DEMO_USERS = ("Lene Holm", "Per Holt", "Mette Sørensen", "Ali Khan", "Sara Nielsen", "Jonas Hansen", "Maria Berg")
#: The second municipality's users: an admin, a consultant and a parent, to see that the two never meet.
SECOND_USERS = ("Tove Thomsen", "Jens Mikkelsen", "Hanne Kristensen")
#: The demo's municipalities: (code, name, the switchboard's number).
FIRST = ("aarhus", "Aarhus Kommune", "+45 89 40 20 00")
SECOND = ("thisted", "Thisted Kommune", "+45 99 17 17 17")


def years_ago(years: int, months: int = 0) -> date:
    """A day some years and months before today (never past the 28th, so every month has it)."""
    today = db.utcnow().date()
    month = today.month - months
    year = today.year - years
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, min(today.day, 28))


def at(days: int, hour: int) -> datetime:
    """A whole hour in Danish time, some days from today, in UTC."""
    day = db.utcnow().astimezone(LOCAL).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=LOCAL).astimezone(UTC)

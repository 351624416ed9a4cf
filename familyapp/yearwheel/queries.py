"""Read-only queries for the årshjul: the months shown, the activities in them, and the meetings they point to."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import or_, select

from .. import db
from ..dates import add_months
from ..families.models import Family
from ..meetings.models import Meeting
from .models import YearActivity


def month_window(today: date, count: int = 12) -> list[date]:
    """The months shown (the first day of each): the current month and the ones after it.

    :param today: the day that counts as now.
    :param count: how many months.
    :return: a list of dates, each the 1st of a month.
    """
    first = today.replace(day=1)
    return [add_months(first, i) for i in range(count)]


def month_key(year: int, month: int) -> str:
    """A month as it travels in forms, anchors and audit data: ``"2026-03"``."""
    return f"{year:04d}-{month:02d}"


def _ordinal(year, month):
    """Months counted from year 0, so that a window of months is one range in SQL (it may cross New Year)."""
    return year * 12 + month


def list_activities(family: Family, months: list[date]) -> list[YearActivity]:
    """The family's activities in the shown months, in month order, oldest first within a month (one query)."""
    first, last = months[0], months[-1]
    ordinal = _ordinal(YearActivity.year, YearActivity.month)
    stmt = (
        select(YearActivity)
        .where(YearActivity.family_id == family.id)
        .where(ordinal.between(_ordinal(first.year, first.month), _ordinal(last.year, last.month)))
        .order_by(YearActivity.year, YearActivity.month, YearActivity.created_at, YearActivity.id)
    )
    return list(db.session.scalars(stmt))


def meetings_for_wheel(family: Family, ids: set[uuid.UUID], start: datetime, end: datetime) -> list[Meeting]:
    """The meetings the wheel shows, in time order (one query): those its activities point to, and every meeting
    of the family from ``start`` up to ``end`` (the shown months), so a month with a meeting is never empty.

    :param ids: the meetings the shown activities are linked to.
    :param start: the first shown month's first moment, UTC.
    :param end: the moment after the last shown month, UTC.
    """
    in_window = (Meeting.starts_at >= start) & (Meeting.starts_at < end)
    stmt = (
        select(Meeting)
        .where(Meeting.family_id == family.id, or_(Meeting.id.in_(ids), in_window) if ids else in_window)
        .order_by(Meeting.starts_at)
    )
    return list(db.session.scalars(stmt))

"""Calendar arithmetic every feature shares: months that end early, working days. Pure functions.

The clock itself (``utcnow``, ``local_date``, ``local_today``, the Danish zone) lives in ``db.py`` beside the UTC
column type it belongs to.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day some months later; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, days: int) -> date:
    """The day that many working days (Monday to Friday) after ``day``; Danish public holidays are not known."""
    current, left = day, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current

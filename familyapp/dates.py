"""Calendar arithmetic every feature shares: months that end early, working days. Pure functions, and the same
day arithmetic as SQL expressions (``sql_add_days``, ``sql_add_months``) for queries that order by a due date.

The clock itself (``utcnow``, ``local_date``, ``local_today``, the Danish zone) lives in ``db.py`` beside the UTC
column type it belongs to.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import Date, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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


class sql_add_days(FunctionElement):  # noqa: N801  (used like a SQL function)
    """``day + days`` in SQL: a date column or expression plus a whole number of days (a column or a number)."""

    type = Date()
    inherit_cache = True


class sql_add_months(FunctionElement):  # noqa: N801
    """``add_months(day, months)`` in SQL, with the same rule: the 31st becomes the last day of a shorter month.
    ``months`` is a Python int (it is written into the statement)."""

    type = Date()
    inherit_cache = True

    def __init__(self, day, months: int):
        # A literal, not a parameter: SQLite's date modifiers are text, and the statement's cache key keeps it.
        super().__init__(day, literal_column(str(int(months))))


@compiles(sql_add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date(julianday({day}) + ({days}))"


@compiles(sql_add_days)
def _add_days(element, compiler, **kw):
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({day} AS DATE) + ({days}))"


def _day_and_months(element, compiler, **kw) -> tuple[str, int]:
    day, months = element.clauses
    return compiler.process(day, **kw), int(months.name)


@compiles(sql_add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    # SQLite rolls 30 November + 3 months over to 2 March; the last day of the target month caps it.
    day, n = _day_and_months(element, compiler, **kw)
    return f"min(date({day}, '+{n} months'), date({day}, 'start of month', '+{n + 1} months', '-1 day'))"


@compiles(sql_add_months)
def _add_months(element, compiler, **kw):
    # PostgreSQL caps at the end of a shorter month itself.
    day, n = _day_and_months(element, compiler, **kw)
    return f"CAST(CAST({day} AS DATE) + INTERVAL '{n} months' AS DATE)"

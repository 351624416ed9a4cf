"""A page at a time of a list that grows with the family's history (its earlier meetings, the plan's versions):
the newest first, and a link to older ones. The page number comes from the address; odd input shows a sensible
page, never an error: nothing, text or a number below 1 is the first page, a page past the end is the last one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from . import db

#: The highest page number read from an address: more is past the end of any family's history anyway, and keeps
#: the offset a number every database takes.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, its number (from 1, the newest) and whether older rows follow."""

    items: list
    number: int
    has_older: bool


def page_number(value: str | None) -> int:
    """The page asked for in the address (``?page=``): 1 for nothing, text or a number below 1."""
    text = (value or "").strip()
    if not text.isdigit() or not text.isascii():
        return 1
    return min(max(int(text[:7]), 1), MAX_PAGE)


def fetch_page(stmt: Select, number: int, per_page: int) -> Page:
    """Page ``number`` of an ordered statement: one query, for one row more than the page to know whether older
    ones follow. A page past the end shows the last page (two queries more: the count, and that page)."""
    items = _rows(stmt, number, per_page)
    if not items and number > 1:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        number = max(1, -(-total // per_page))
        items = _rows(stmt, number, per_page)
    return Page(items=items[:per_page], number=number, has_older=len(items) > per_page)


def _rows(stmt: Select, number: int, per_page: int) -> list:
    result = db.session.execute(stmt.limit(per_page + 1).offset((number - 1) * per_page))
    # One entity (a meeting) comes back as itself; several columns as rows.
    return list(result.scalars() if len(stmt.column_descriptions) == 1 else result)


def page_offset(total, number: int, per_page: int):
    """SQL for the OFFSET of page ``number`` (counted from 1) of a list of ``total`` rows, or of its last page when
    the number is past the end: a page past the end shows the last page in the same single query.

    :param total: SQL for how many rows the list has (a scalar subquery).
    """
    asked = (min(max(number, 1), MAX_PAGE) - 1) * per_page
    last = case((total == 0, 0), else_=(total - 1) // per_page * per_page)
    return case((total <= asked, last), else_=asked)

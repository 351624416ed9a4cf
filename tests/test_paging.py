"""A page at a time (familyapp/paging.py): the page number read from an address, odd input forgiven; one query a
page, and a page past the end shows the last one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from familyapp import db, paging
from familyapp.audit import AuditEvent, record_event


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (None, 1),
        ("", 1),
        ("1", 1),
        ("2", 2),
        (" 3 ", 3),
        ("007", 7),
        ("abc", 1),
        ("-1", 1),
        ("0", 1),
        ("+2", 1),
        ("2.0", 1),
        ("١٢", 1),  # Arabic-Indic digits are digits to Python, not to an address
        ("9" * 1000, paging.MAX_PAGE),
        ("100001", paging.MAX_PAGE),
    ],
)
def test_the_page_number_from_the_address(value, number):
    assert paging.page_number(value) == number


def _events(n: int) -> list:
    for i in range(n):
        record_event(None, f"paging.{i:02d}")
    db.session.flush()
    return select(AuditEvent).where(AuditEvent.action.like("paging.%")).order_by(AuditEvent.action.desc())


def test_a_page_is_one_query_and_knows_whether_older_rows_follow(ctx, count_queries):
    stmt = _events(25)
    with count_queries() as q:
        first = paging.fetch_page(stmt, 1, 10)
    assert len(q) == 1 and first.number == 1 and first.has_older
    assert [e.action for e in first.items] == [f"paging.{i:02d}" for i in range(24, 14, -1)]
    last = paging.fetch_page(stmt, 3, 10)
    assert [e.action for e in last.items] == [f"paging.{i:02d}" for i in range(4, -1, -1)] and not last.has_older


def test_a_page_past_the_end_is_the_last_page(ctx, count_queries):
    stmt = _events(20)
    with count_queries() as q:
        page = paging.fetch_page(stmt, paging.MAX_PAGE, 10)
    assert len(q) == 3 and page.number == 2 and len(page.items) == 10 and not page.has_older


def test_an_empty_list_is_one_empty_first_page(ctx):
    page = paging.fetch_page(_events(0), 5, 10)
    assert page == paging.Page(items=[], number=1, has_older=False)


def test_several_columns_come_back_as_rows(ctx):
    _events(3)
    stmt = select(AuditEvent.action, AuditEvent.id).where(AuditEvent.action.like("paging.%"))
    page = paging.fetch_page(stmt.order_by(AuditEvent.action), 1, 2)
    assert [row.action for row in page.items] == ["paging.00", "paging.01"] and page.has_older

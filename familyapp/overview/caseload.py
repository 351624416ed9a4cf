"""The consultant's caseload as a query: each family's state (its follow-up due or overdue, unread replies,
answers waiting for review and their alerts) worked out in SQL from the features' pieces, searched, filtered,
ordered by what needs attention and cut to one page in the database, so a caseload of any size loads one page.

One statement: the page's rows, each carrying the counts of the whole caseload (how many families match, how many
need what).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import Date, Integer, String, Uuid, and_, bindparam, case, exists, false, func, or_, select, true

from .. import db, paging
from ..auth.models import User
from ..families.models import Assignment, Family, Person, PersonKind
from ..meetings import queries as meeting_queries
from ..meetings.cadence import due_sql, overdue_sql
from ..meetings.models import Meeting
from ..scales import queries as scale_queries

#: Families on a page: the page's size stays the same however many families a consultant has.
PAGE_SIZE = 25
#: A family's or a person's name is at most this long: a longer search matches nobody.
SEARCH_MAX = 100
#: The states a consultant can pick out: follow-up overdue, something from the family not yet seen, an answer
#: waiting for review with an alert.
FILTERS = ("overdue", "unread", "alert")
#: The orders: what needs attention first (the default), then the ones the caseload always had.
SORTS = ("attention", "due", "next", "waiting", "name")


@dataclass(frozen=True)
class Ask:
    """What the consultant asked for, made safe: a search (empty for all), a filter (None for all), an order and a
    page number (1 or more; past the end means the last page)."""

    search: str = ""
    show: str | None = None
    sort: str = "attention"
    page: int = 1


def ask_from(args) -> Ask:
    """The request's ``q``, ``show``, ``sort`` and ``page``: odd values fall back calmly to the defaults."""
    show, sort = args.get("show", ""), args.get("sort", "")
    return Ask(
        search=_clean(args.get("q", "")),
        show=show if show in FILTERS else None,
        sort=sort if sort in SORTS else "attention",
        page=paging.page_number(args.get("page")),
    )


def _clean(text: str) -> str:
    """The search as the consultant meant it: no control characters (PostgreSQL refuses a NUL), spaces collapsed."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text[: SEARCH_MAX * 10])
    return " ".join(kept.split())


@dataclass(frozen=True)
class Row:
    """One family on the page, with its state."""

    id: object
    name: str
    phase: object
    role: object
    due: date
    overdue: bool
    next_at: datetime | None
    unread: int
    reviews: int
    alerts: int


@dataclass(frozen=True)
class Page:
    """One page of the caseload, and the counts around it."""

    rows: list[Row]
    #: Families that match the search and the filter; the page shown (clamped) and how many pages they fill.
    matched: int
    number: int
    pages: int
    #: Families in the whole caseload, and how many of them are in each state of ``FILTERS``.
    total: int
    states: dict
    #: Answers waiting for review across the whole caseload.
    reviews: int


def caseload_page(consultant: User, ask: Ask, now: datetime, today: date) -> Page:
    """One page of the consultant's families as ``ask`` wants them: one statement, which also counts the whole
    caseload; a second only when the page asked for is empty (nothing matches, or it is past the end: the last
    page is shown)."""
    rules = tuple(sorted(current_app.config.get("CADENCE_DEFAULTS", {}).items()))
    rows_of, summary = _statements(_searched(ask.search), ask.show, ask.sort, rules)
    values = {
        "consultant": consultant.id,
        "municipality": consultant.municipality_id,
        "now": now,
        "today": today,
        **_search_values(ask.search),
    }
    number = ask.page
    found = _fetch(rows_of, values, number)
    if not found and number > 1:
        # Past the end: how many pages there are comes with the rows, so ask again for the last one.
        first = _fetch(rows_of, values, 1)
        number = max(math.ceil(first[0].matched / PAGE_SIZE), 1) if first else 1
        found = first if number == 1 else _fetch(rows_of, values, number)
    if not found:
        return _empty_page(summary, values)
    head = found[0]
    counts = {name: getattr(head, name + "_count") for name in FILTERS}
    pages = max(math.ceil(head.matched / PAGE_SIZE), 1)
    rows = [_row(values) for values in found]
    return Page(rows, head.matched, number, pages, head.total, counts, head.all_reviews)


@lru_cache(maxsize=128)
def _statements(searched: int, show: str | None, sort: str, rules: tuple) -> tuple:
    """The statements of an ask's shape (how many search words, the filter, the order), built once a process:
    building and keying a statement of this size cost a good part of the page. The consultant, the time, the
    search words and the page are bound parameters (``consultant``, ``municipality``, ``now``, ``today``,
    ``q0``..., ``skip``).
    ``rules``: the installation's follow-up rules per case type (``CADENCE_DEFAULTS``), which the due date's SQL
    is written with: another app in the same process (a test's) gets its own statements.

    Returns (a page's rows, each with the caseload's counts beside it; the counts alone, when nothing matches)."""
    facts = _facts(db.stand_in(id="consultant"), searched, bindparam("now", type_=Meeting.starts_at.type))
    states = {name: _state(facts, name, bindparam("today", type_=Date)) for name in FILTERS}
    wanted = and_(facts.c.found, states[show]) if show else facts.c.found
    summary = _counts(facts, states, wanted)
    counts = summary.subquery("counts")
    columns = [facts.c[name] for name in Row.__dataclass_fields__ if name != "overdue"]
    rows_of = (
        select(*columns, states["overdue"].label("overdue"), *counts.c)
        .select_from(facts)
        .join(counts, true())
        .where(wanted)
        .order_by(*_order(facts, states, sort))
        .limit(PAGE_SIZE)
        .offset(bindparam("skip"))
    )
    return rows_of, summary


def _counts(facts, states: dict, wanted):
    """The counts of the whole caseload, in one pass over its facts (beside the page's rows, this is cheaper than
    a window over every row): families, how many match, how many are in each state, answers waiting for review."""
    return select(
        func.count().label("total"),
        _how_many(wanted).label("matched"),
        *(_how_many(state).label(name + "_count") for name, state in states.items()),
        func.coalesce(func.sum(facts.c.reviews), 0).cast(Integer).label("all_reviews"),
    )


def _fetch(rows_of, values: dict, number: int) -> list:
    """The wanted rows of page ``number``, in the order the consultant chose."""
    return list(db.session.execute(rows_of, {**values, "skip": (number - 1) * PAGE_SIZE}))


def _empty_page(summary, values: dict) -> Page:
    """Nothing matches the search or the filter: the caseload's own counts, for the filters and the headline."""
    counted = db.session.execute(summary, values).one()
    counts = {name: getattr(counted, name + "_count") for name in FILTERS}
    return Page([], 0, 1, 1, counted.total, counts, counted.all_reviews)


def _facts(consultant, searched: int, now):
    """Every family of the consultant with the facts its state is made of, computed once per statement (a
    materialised CTE: the due date reads the last meeting, and ordering, filters and counts use it again)."""
    reviews, alerts = scale_queries.review_counts(Family.id)
    # The last contact's day first, once a family: the due date's rule reads it in every branch, and SQLite would
    # otherwise look it up again for each (seven lookups a family instead of one).
    contacts = (
        select(
            Assignment.family_id,
            Assignment.role,
            meeting_queries.last_contact_day(Assignment.family_id, now).label("last_day"),
        )
        .where(Assignment.consultant_id == consultant.id)
        .cte("contacts")
        .prefix_with("MATERIALIZED")
    )
    stmt = select(
        Family.id,
        Family.name,
        Family.phase,
        contacts.c.role,
        due_sql(contacts.c.last_day, bindparam("municipality", type_=Uuid())).label("due"),
        meeting_queries.next_meeting_of(Family.id, now).label("next_at"),
        meeting_queries.next_meeting_of(Family.id, now, "day").label("next_day"),
        meeting_queries.unread_count(Family.id).label("unread"),
        reviews.label("reviews"),
        alerts.label("alerts"),
    ).join(contacts, contacts.c.family_id == Family.id)
    # The search is a column, so that the counts of the whole caseload come from the same statement.
    return stmt.add_columns(_found(searched).label("found")).cte("caseload").prefix_with("MATERIALIZED")


def _variants(search: str) -> list[str]:
    """The search words as typed, and with small letters, capitals first and all capitals: SQLite folds only A-Z,
    so a name with æ, ø, å or other letters is found however it was typed. None (an empty list) for no search or
    one longer than any name."""
    if not search or len(search) > SEARCH_MAX:
        return []
    return list(dict.fromkeys((search, search.lower(), search.title(), search.upper())))


def _searched(search: str) -> int:
    """The search's shape: 0 for none, -1 for one longer than any name (it matches nobody), else how many
    variants it is tried in."""
    if search and len(search) > SEARCH_MAX:
        return -1
    return len(_variants(search))


def _search_values(search: str) -> dict:
    """The search's variants as the patterns of ``_found`` (``%``, ``_`` and ``/`` mean themselves)."""
    escape = lambda text: text.replace("/", "//").replace("%", "/%").replace("_", "/_")  # noqa: E731
    return {f"q{i}": f"%{escape(text)}%" for i, text in enumerate(_variants(search))}


def _found(searched: int):
    """Whether the family matches the search: its name, or an adult's name in it, contains the words as typed
    (``_search_values`` gives the patterns). Case is ignored, as ``icontains`` does it on both databases."""
    if searched == 0:
        return true()
    if searched < 0:
        return false()

    def contains(column):
        patterns = (bindparam(f"q{i}", type_=String) for i in range(searched))
        return or_(*(func.lower(column).like(func.lower(pattern), escape="/") for pattern in patterns))

    adult = exists().where(Person.family_id == Family.id, Person.kind == PersonKind.ADULT, contains(Person.name))
    return or_(contains(Family.name), adult)


def _state(facts, name: str, today):
    """A state of ``FILTERS`` as a condition on the facts."""
    if name == "overdue":
        return overdue_sql(facts.c.due, facts.c.next_day, today)
    if name == "unread":
        return facts.c.unread > 0
    return facts.c.alerts > 0


def _how_many(condition):
    """How many rows meet a condition (a sum, so several counts fit in one statement)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


def _order(facts, states: dict, sort: str) -> list:
    """The order of ``sort``; each ends with the name so that pages never overlap."""
    c = facts.c
    by_name = [func.lower(c.name), c.name, c.id]
    flag = lambda condition: case((condition, 0), else_=1)  # noqa: E731  (true first on every database)
    orders = {
        "attention": [
            flag(states["overdue"]),
            flag(c.alerts > 0),
            flag(or_(c.unread > 0, c.reviews > 0)),
            c.due,
        ],
        "due": [flag(states["overdue"]), c.due],
        "next": [case((c.next_at.is_(None), 1), else_=0), c.next_at, c.due],
        "waiting": [c.unread.desc()],  # most first
        "name": [],
    }
    return orders[sort] + by_name


def _row(values) -> Row:
    """A result row as a ``Row``."""
    return Row(**{name: getattr(values, name) for name in Row.__dataclass_fields__})

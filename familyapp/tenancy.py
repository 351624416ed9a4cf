"""Municipalities as tenants: every family-scoped row carries its municipality, and work happens inside one.

The municipality of the current work (a request, a job's turn, a CLI command) is held in a context variable. On
PostgreSQL it is also set on the database for each transaction (``SET LOCAL`` by ``set_config(..., true)``, never
for the whole connection, which the pool hands to the next request); row-level security then shows and accepts
only that municipality's rows, whatever a query forgets (migration ``tenancy``). Without a municipality nothing is
read. On SQLite (single-municipality installs) the application's own queries do the same job: a family's content
is reached only through memberships and assignments, and the lists of an admin or a leader filter on
``here(...)``.

A request learns its municipality from its key before it reads: the session cookie, an activation link or code,
a passkey, a calendar feed or a partner's link (``resolve``). A national operator works in no municipality
(``NATIONAL``): they see the municipalities and the logins of other operators, never a family.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final, NamedTuple

from sqlalchemy import ForeignKey, String, event, false, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from . import db
from .db import Base, created_at, str_100, uuidpk

#: The national operator's context: no municipality, so no family row.
NATIONAL: Final = "national"

_current: ContextVar[uuid.UUID | str | None] = ContextVar("familyapp_municipality", default=None)


class NoMunicipality(RuntimeError):
    """A family-scoped row was written outside any municipality (a bug: the work never entered one)."""


class Municipality(Base):
    """A municipality (kommune): owns its families, professionals and settings."""

    __tablename__ = "municipalities"

    id: Mapped[uuidpk]
    #: Short and stable, for the command line and the demo ("aarhus").
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str_100]
    #: The municipality's own number for families (the switchboard), shown beside the consultant's.
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Its own follow-up rule for support cases and for cases with a child investigation (``six_weeks``,
    #: ``three_months`` or ``phase``); None: the installation's (``meetings/cadence.py``).
    cadence_support: Mapped[str | None] = mapped_column(String(20))
    cadence_investigation: Mapped[str | None] = mapped_column(String(20))
    #: The languages it offers its families and staff, comma-separated codes (empty: every configured one).
    languages: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[created_at]


def _default_municipality() -> uuid.UUID | None:
    """The municipality a new row belongs to: the current one (None for an operator's own rows)."""
    value = _current.get()
    if isinstance(value, uuid.UUID):
        return value
    if value == NATIONAL:
        return None
    raise NoMunicipality("a family-scoped row was written outside a municipality")


class Tenanted:
    """Mixin: the row belongs to one municipality, the current one when it is made."""

    @declared_attr
    def municipality_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("municipalities.id"), default=_default_municipality, nullable=False)


class TenantedOrNational:
    """Mixin for logins and what belongs to them: a municipality's, or a national operator's (no municipality)."""

    @declared_attr
    def municipality_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(ForeignKey("municipalities.id"), default=_default_municipality, nullable=True)


def current() -> uuid.UUID | str | None:
    """The municipality of the current work: its id, ``NATIONAL``, or None when none was entered."""
    return _current.get()


def here(column):
    """SQL condition: the row belongs to the current municipality (for lists that span families)."""
    value = _current.get()
    if isinstance(value, uuid.UUID):
        return column == value
    return column.is_(None) if value == NATIONAL else false()


def _on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _settings(value) -> dict:
    municipality = str(value) if isinstance(value, uuid.UUID) else ""
    return {"m": municipality, "n": "on" if value == NATIONAL else ""}


_SET = text("SELECT set_config('familyapp.municipality', :m, true), set_config('familyapp.national', :n, true)")


def _follow(value) -> None:
    """An open transaction on PostgreSQL follows the municipality now worked in (a new one begins in it anyway)."""
    if db.session().in_transaction() and _on_postgres():
        db.session.execute(_SET, _settings(value))


def enter(value: uuid.UUID | str | None) -> None:
    """Work inside a municipality (or ``NATIONAL``) from now on; on PostgreSQL the open transaction follows."""
    if _current.get() == value:
        return
    _current.set(value)
    _follow(value)


@contextmanager
def entered(value: uuid.UUID | str | None) -> Iterator[None]:
    """Work inside a municipality for a block, then return to the one before. What the block wrote is flushed
    while it is still inside (the transaction is the caller's)."""
    before = _current.get()
    enter(value)
    try:
        yield
        if db.session().in_transaction():
            db.session.flush()
    finally:
        enter(before)


def begin(value: uuid.UUID | str | None):
    """Start a unit of work (a request, a test) in a municipality, before any transaction; the token given to
    ``end`` puts back what was there before."""
    token = _current.set(value)
    if token.old_value != value:
        _follow(value)
    return token


def end(token) -> None:
    """Back to the municipality from before ``begin`` (a transaction still open follows, unless it failed: it
    is rolled back, and the next begins in the right one)."""
    _current.reset(token)
    try:
        _follow(_current.get())
    except SQLAlchemyError:
        pass


#: Where a request keeps the token that ends its municipality (in its WSGI environ: each request has its own).
REQUEST_TOKEN = "familyapp.municipality"


def begin_request():
    """A request starts as a visitor's, national: in no municipality, until its key says which one."""
    return begin(NATIONAL)


#: The keys a request may bring, and what ``familyapp_enter`` looks them up in (migration ``tenancy``).
KEYS = frozenset({"session", "activation", "activation_code", "activation_id", "passkey", "calendar", "partner"})


def resolve(kind: str, key: str | bytes) -> None:
    """Enter the municipality a key belongs to, before the row is read, so that row-level security lets it be
    found on PostgreSQL (the database function looks it up and sets it in one statement). On SQLite the caller
    enters it from the row it finds (``enter_of``). An unknown key enters nothing: the row is simply not found.
    """
    assert kind in KEYS
    if not _on_postgres():
        return
    if isinstance(key, bytes):
        key = key.hex()
    found = db.session.scalar(text("SELECT familyapp_enter(:kind, :key)"), {"kind": kind, "key": key})
    if found is not None:
        _current.set(NATIONAL if found == NATIONAL else uuid.UUID(found))


def of(row) -> uuid.UUID | str:
    """The municipality a row belongs to, or ``NATIONAL``."""
    return row.municipality_id if row.municipality_id is not None else NATIONAL


def enter_of(row) -> None:
    """Enter the municipality of a row found by its key (a session, an activation...)."""
    enter(of(row))


def find_by_key(kind: str, key: str | bytes, statement):
    """The row a request's key leads to (an activation, a passkey, a partner link...), or None: the key's
    municipality is entered before the row is read (``resolve``), and the row's own after, so the work goes on
    there on either database."""
    resolve(kind, key)
    row = db.session.scalar(statement)
    if row is not None:
        enter_of(row)
    return row


CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")


def add_municipality(code: str, name: str, phone: str | None = None) -> Municipality:
    """Add a municipality (the caller audits and commits).

    :raises ValueError: the code is not short lowercase letters, digits and dashes, is taken, or there is no name.
    """
    code, name = code.strip().lower(), name.strip()
    if not CODE.fullmatch(code):
        raise ValueError("The code is 2-40 lowercase letters, digits and dashes, beginning with a letter (aarhus).")
    if not name or len(name) > 100:
        raise ValueError("The name is 1-100 characters (Aarhus Kommune).")
    if by_code(code) is not None:
        raise ValueError(f"There is a municipality with the code {code} already.")
    municipality = Municipality(code=code, name=name, phone=(phone or "").strip()[:40] or None)
    db.session.add(municipality)
    db.session.flush()
    return municipality


def own_municipality(user) -> Municipality | None:
    """The user's own municipality (an admin's, a consultant's; None for the national operator)."""
    return db.session.get(Municipality, user.municipality_id) if user.municipality_id else None


class ScreenSettings(NamedTuple):
    """What a family's screens show of their municipality, loaded with the family (and part of a page's ETag)."""

    phone: str | None = None
    cadence_support: str | None = None
    cadence_investigation: str | None = None


def setting_of(municipality_id, name: str):
    """A setting of the municipality (``phone``, ``cadence_support``, ...) as a column to add to a statement
    (``municipality_id``: a value, a bound parameter or the statement's own column)."""
    return select(getattr(Municipality, name)).where(Municipality.id == municipality_id).scalar_subquery()


def by_code(code: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.code == code))


def municipalities() -> list[Municipality]:
    """Every municipality, by name (the table is not tenant-scoped: it holds no family's data)."""
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def each(national: bool = False) -> Iterator[Municipality | None]:
    """Enter each municipality in turn (jobs and commands that serve them all), and then the national context when
    asked (None is yielded for it); afterwards the context from before. Each one's work is committed before the
    next is entered: its rows were written under its own municipality."""
    for municipality in municipalities():
        with entered(municipality.id):
            yield municipality
            db.session.commit()
    if national:
        with entered(NATIONAL):
            yield None
            db.session.commit()


@event.listens_for(db.session.session_factory, "after_begin")
def _transaction_municipality(_session, _transaction, connection) -> None:
    """Each transaction of the app's session (a savepoint in the tests too) starts in the current municipality."""
    value = _current.get()
    if value is not None and connection.dialect.name == "postgresql":
        connection.execute(_SET, _settings(value))

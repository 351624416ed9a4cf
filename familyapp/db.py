"""Database wiring: the declarative base, shared column types, the engine and the request-scoped session."""

from __future__ import annotations

import enum
import hashlib
import re
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Annotated
from zoneinfo import ZoneInfo

from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import (
    DateTime,
    Enum,
    MetaData,
    String,
    TypeDecorator,
    Uuid,
    bindparam,
    create_engine,
    event,
    func,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column, scoped_session, sessionmaker

# Deterministic constraint names so that Alembic migrations are stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        # Enums persist their .value as plain strings, not a database enum type.
        enum.Enum: Enum(enum.Enum, native_enum=False, values_callable=lambda e: [m.value for m in e], length=32),
    }


uuidpk = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=uuid.uuid4)]
created_at = Annotated[datetime, mapped_column(default=lambda: utcnow())]
str_100 = Annotated[str, mapped_column(String(100))]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


#: Families and consultants live in Danish time: "today", due dates and follow-ups are counted in it.
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


def as_utc(value) -> datetime | None:
    """A datetime from an aggregate (MAX, MIN bypass the column type on SQLite: text or naive) as UTC-aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_date(moment: datetime) -> date:
    """The Danish calendar date of a moment (a meeting at 00:30 on 1 June is on 1 June, not 31 May)."""
    return moment.astimezone(LOCAL_ZONE).date()


def local_today() -> date:
    """Today's date in Denmark."""
    return local_date(utcnow())


#: The one session the app uses; bound to the engine by init_app, scoped per request thread.
session: scoped_session = scoped_session(sessionmaker(expire_on_commit=False))


def stand_in(**ids: str) -> SimpleNamespace:
    """A stand-in for a row (a family, a viewer) in a statement built once a process: each of its ``ids`` is a
    bound parameter (a UUID) of the given name, filled when the statement runs. The query functions that take a
    row can then build the statement a hot page asks on every visit, without building it again (building and
    keying a statement costs as much as running it).

    ``stand_in(id="viewer", person_id="person")`` has ``.id`` = ``bindparam("viewer")``, and so on. Typed, so that
    a parameter keeps its type where SQLAlchemy would not infer it (``IN (:family)``: a UUID on SQLite is text).
    """
    return SimpleNamespace(**{column: bindparam(name, type_=Uuid()) for column, name in ids.items()})


def secret_hash(value: str) -> str:
    """SHA-256 (hex) of a secret or a capability address: the database keeps this, never the value itself."""
    return hashlib.sha256(value.encode()).hexdigest()


#: Requests with these methods only read (a professional's audit row aside): on SQLite they never take the
#: write lock until they write.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: How long a SQLite connection waits for the write lock (or a passing checkpoint) before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
#: Statements that write (or open a savepoint, which a write follows); ORM and Core DML are also known by their
#: execution context.
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|CREATE|DROP|ALTER)\b", re.IGNORECASE)


def _in_read_request() -> bool:
    """A GET (or HEAD) of a request, or work marked as reading only once its request is over (a download written
    while it is sent): it begins without the write lock."""
    if has_request_context():
        return request.method in READ_METHODS
    return has_app_context() and g.get("reading_only", False)


def _writes(statement: str, context) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return bool(_WRITES.match(statement))


def libpq_address(url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (for psycopg itself, pg_dump and the job queue)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_engine(url: str, role: str = "") -> Engine:
    """Create an engine; for SQLite, enable foreign keys, WAL, and transactions that begin explicitly. On PostgreSQL
    each connection works as ``role`` when one is given (the app's: row-level security binds it).

    pysqlite would otherwise start transactions lazily, which breaks SAVEPOINT-based test isolation
    (STYLE.md B.12): a released outermost SAVEPOINT commits. See ``_sqlite_transactions`` for how reads and
    writes take (or do not take) the write lock.
    """
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        _sqlite_transactions(engine)
    elif role:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", role):
            raise ValueError("DATABASE_ROLE must be a plain role name (letters, digits, underscores)")

        @event.listens_for(engine, "connect")
        def _as_role(dbapi_connection, _record):
            # The same for every request, so a pooled connection carries nothing of one request to the next.
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {role}")
            dbapi_connection.commit()

    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """Reads never wait for a writer; a write waits its turn for the lock and holds it briefly.

    - A GET or HEAD begins DEFERRED: in WAL mode it reads a snapshot without any lock, whatever is being written.
    - Everything else (a POST, the CLI, the tests' outer transaction) begins IMMEDIATE: it takes the write lock
      first (busy_timeout queues it), so two requests that read and then write cannot deadlock.
    - When a read transaction is about to write (a professional's audit row, a session touched, a refused access),
      it ends its snapshot and begins IMMEDIATE first. Writing from the snapshot would fail at once with
      SQLITE_BUSY_SNAPSHOT whenever another connection had committed since the first read, and busy_timeout
      does not help there. Nothing was written yet, so ending it loses nothing: the write then sees the latest
      data, like a transaction on PostgreSQL (READ COMMITTED).
    """

    @event.listens_for(engine, "begin")
    def _begin(connection):
        reading = _in_read_request()
        connection.info["sqlite_reading"] = reading
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, _parameters, context, _many):
        if connection.info.get("sqlite_reading") and _writes(statement, context):
            connection.info["sqlite_reading"] = False
            raw = connection.connection.dbapi_connection
            raw.execute("COMMIT")  # only reads so far: this just lets go of the snapshot
            raw.execute("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Bind the session to this app's database and remove it after each request."""
    engine = make_engine(app.config["DATABASE_URL"], app.config.get("DATABASE_ROLE", ""))
    app.extensions["db_engine"] = engine
    session.remove()
    session.configure(bind=engine)

    @app.teardown_appcontext
    def _remove_session(_exc):
        session.remove()


__all__ = ["Base", "session", "utcnow", "uuidpk", "created_at", "str_100", "func"]

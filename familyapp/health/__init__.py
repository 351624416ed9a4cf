"""Whether the database is ready for this release: its Alembic revision against the newest migration shipped.

An app started on an empty database, or on one from an older release, would fail on every page with a server
error. Instead every page says that the database must be upgraded (``flask db-upgrade``), the log says it once,
and ``/readyz`` answers 503 until it is done. The check is one small query on a connection of its own, asked again
on each request only while the database is behind, and never again once it is at head (the schema does not move
back under a running app).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Flask, current_app, render_template, request
from flask.sessions import SecureCookieSession, SessionInterface
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..config import MIGRATIONS

#: The command that brings the database to this release's schema (the Makefile's, familyapp/cli.py).
UPGRADE_COMMAND = "flask db-upgrade"
#: Where a request remembers that the database was behind when it began (its session is then never saved).
BEHIND = "familyapp.database_behind"
#: Where a request remembers that it has no session of its own (the liveness probe asks nothing of the database).
NO_SESSION = "familyapp.no_session"
#: Routes that answer whatever the database's state: the probes and our own static files.
ALWAYS = frozenset({"health.healthz", "health.readyz", "static"})
#: The liveness probe: answered without the database (its session is not even opened).
LIVENESS_PATH = "/healthz"


@dataclass(frozen=True)
class SchemaState:
    """The database's revisions and this release's newest; ``error`` when the database could not be asked."""

    current: tuple[str, ...]
    head: tuple[str, ...]
    error: str = ""

    @property
    def ready(self) -> bool:
        return not self.error and set(self.current) == set(self.head)

    def describe(self) -> str:
        """For the log: what the database is at, and what to do."""
        if self.error:
            return f"The database could not be asked for its schema version ({self.error})."
        at = ", ".join(self.current) or "no schema (empty)"
        return (
            f"The database is at {at}, this release needs {', '.join(self.head)}: "
            f"the database must be upgraded with `{UPGRADE_COMMAND}`."
        )


@cache
def head_revisions() -> tuple[str, ...]:
    """The newest migration(s) shipped with this release (read once from the migrations folder)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The database's Alembic revision(s); empty for a database without a schema."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


class _Checker:
    """The app's view of its database's schema: asked on a connection of its own (never the request's, so it is
    neither inside the request's transaction nor counted with its queries), remembered once it is at head."""

    def __init__(self, url: str):
        self.url = url
        self.at_head = False
        self.logged: SchemaState | None = None

    def state(self) -> SchemaState:
        head = head_revisions()
        if self.at_head:
            return SchemaState(head, head)
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            state = SchemaState(current_revisions(engine), head)
        except SQLAlchemyError as exc:
            state = SchemaState((), head, error=type(exc).__name__)
        finally:
            engine.dispose()
        self.at_head = state.ready
        return state

    def log_once(self, state: SchemaState) -> None:
        """Tell the operator in the log, once for each state the database is found in (not on every request)."""
        if state != self.logged:
            self.logged = state
            current_app.logger.error(state.describe())


def checker(app: Flask) -> _Checker:
    return app.extensions["schema_checker"]


class _GatedSessions(SessionInterface):
    """The app's session store, opened only when the database is ready: sessions live in the database, and before
    the upgrade the request gets an empty session in memory that is never saved."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request):
        if request.path == LIVENESS_PATH:
            request.environ[NO_SESSION] = True
            return SecureCookieSession()
        state = checker(app).state()
        if not state.ready:
            request.environ[BEHIND] = state
            request.environ[NO_SESSION] = True
            return SecureCookieSession()
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response):
        if request.environ.get(NO_SESSION):
            return None
        return self.inner.save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Check the schema before anything reads the database, and answer every page with the operator's message
    while it is behind."""
    app.extensions["schema_checker"] = _Checker(app.config["DATABASE_URL"])
    app.session_interface = _GatedSessions(app.session_interface)
    # First of the app's hooks: nothing else may touch the database before this has looked.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_while_behind)


def _refuse_while_behind():
    state = request.environ.get(BEHIND)
    if state is None or request.endpoint in ALWAYS:
        return None
    checker(current_app).log_once(state)
    page = render_template("errors/database.html", command=UPGRADE_COMMAND, unreachable=bool(state.error))
    return page, 503, {"Retry-After": "60"}

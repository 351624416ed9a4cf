"""Shared fixtures: one app per run, a SAVEPOINT per test, users of every role, and query counting.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second run); by default a fresh SQLite file.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from familyapp import create_app, db, tenancy
from familyapp.cli import upgrade_database
from tests import factories
from tests.dbutil import TENANCY_STATEMENTS


@pytest.fixture(autouse=True)
def _app_logger_as_it_was():
    """An app made outside tests (its own logging: a handler, a level, no propagation) leaves the ``familyapp``
    logger as it found it, so that later tests still see its records."""
    import logging

    logger = logging.getLogger("familyapp")
    kept = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = kept[0], kept[1], kept[2]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated to head once per run (tests/test_migrations.py checks migrations separately)."""
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        _reset_postgres(url)
    upgrade_database(url)
    factories.add_municipality(url, factories.HOME, "Testkommune")
    return url


@pytest.fixture(autouse=True)
def _in_home_municipality():
    """A test works in the test municipality, as a request of one of its logins does."""
    token = tenancy.begin(factories.HOME)
    yield
    tenancy.end(token)


def _reset_postgres(url: str) -> None:
    """Start every run from an empty schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _vapid_pem() -> str:
    """A VAPID key for this test run (the app would otherwise make one under instance/)."""
    from py_vapid import Vapid02

    key = Vapid02()
    key.generate_keys()
    return key.private_pem().decode()


TEST_VAPID_KEY = _vapid_pem()
TEST_CONFIG = {
    "TESTING": True,
    "VAPID_PRIVATE_KEY": TEST_VAPID_KEY,
    # Push messages go to a test receiver on this machine; a real push service stays allowed for the checks.
    "PUSH_SERVICE_HOSTS": "localhost,fcm.googleapis.com",
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "WEBAUTHN_RP_ID": "localhost",
    "WEBAUTHN_ORIGIN": "http://localhost:5000",
    "SESSION_COOKIE_SECURE": False,
}


class _Client(FlaskClient):
    """A test client whose every request begins, as a real one does, in no municipality (the test works in
    the test municipality around it)."""

    def open(self, *args, **kwargs):
        token = tenancy.begin(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            tenancy.end(token)


@pytest.fixture(scope="session")
def app(database_url):
    """The app, created once, on the test database."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    app.test_client_class = _Client
    return app


@pytest.fixture()
def db_session(app):
    """Run each test inside an outer transaction that is rolled back; app commits become SAVEPOINT releases."""
    engine = app.extensions["db_engine"]
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield db.session
    finally:
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture()
def client(app, db_session):
    """A test client whose browser prefers English, so that assertions read plainly (Danish: test_i18n.py)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture()
def runner(app, db_session):
    return app.test_cli_runner()


@pytest.fixture()
def ctx(app, db_session):
    """An app context for tests that call services directly (not together with the test client)."""
    with app.app_context():
        yield


@pytest.fixture()
def world(app, db_session):
    """Two families and a user of every role (TECH-NOTES 3.4)."""
    with app.app_context():
        return factories.make_world()


@pytest.fixture()
def login(client):
    """Sign a user in through a real server-side session, without the passkey ceremony (tested in tests/auth)."""

    def _login(user):
        factories.sign_in(client, user)
        return client

    return _login


class _Statements(list):
    """The statements of a block; the municipality's own apart, in ``tenancy``."""

    def __init__(self):
        super().__init__()
        self.tenancy: list[str] = []


@contextmanager
def _counting(engine):
    statements = _Statements()

    def _count(conn, cursor, statement, *args):
        if statement.startswith(TENANCY_STATEMENTS):
            statements.tenancy.append(statement)
        elif not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


@pytest.fixture()
def count_queries(app):
    """Count SQL statements run inside a block: ``with count_queries() as q: ...; len(q)``."""
    return lambda: _counting(app.extensions["db_engine"])

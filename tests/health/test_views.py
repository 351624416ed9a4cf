"""An app started on a database that is not migrated (empty, or from an older release) says so plainly, to the
operator in the log and on every page, instead of a server error; /healthz and /readyz tell a load balancer
whether the process is up and whether it may send it requests."""

from __future__ import annotations

import logging

import pytest
from alembic import command

from familyapp import create_app, db
from familyapp.cli import alembic_config, upgrade_database
from tests.conftest import TEST_CONFIG
from tests.dbutil import fresh_database_url

#: The schema of the release before the newest migration: "an older database".
OLDER = "1093126092c0"


@pytest.fixture()
def new_app(tmp_path):
    """Build an app on a database of one's own; the tests' shared session gets its own database back after."""
    bound = db.session.session_factory.kw.get("bind")
    made = []

    def _new(url: str):
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        made.append(app)
        return app

    yield _new
    db.session.remove()
    for app in made:
        app.extensions["db_engine"].dispose()
    db.session.configure(bind=bound)


def test_an_empty_database_asks_the_operator_to_upgrade_it_instead_of_a_500(tmp_path, new_app, caplog):
    app = new_app(fresh_database_url(tmp_path, "empty"))
    client = app.test_client()
    # A phone that was signed in before: its session cookie makes the app look in the (missing) sessions table.
    client.set_cookie("familyapp_session", "a" * 43)
    with caplog.at_level(logging.ERROR):
        response = client.get("/", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "The database must be upgraded" in page and "flask db-upgrade" in page
    assert "Something went wrong" not in page
    assert any("flask db-upgrade" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_an_older_database_asks_the_operator_to_upgrade_it_on_every_page(tmp_path, new_app):
    url = fresh_database_url(tmp_path, "older")
    command.upgrade(alembic_config(url), OLDER)
    client = new_app(url).test_client()
    for path in ("/auth/login", "/admin/", "/families/5b0e7c1e-1d49-4c1a-9d0b-0d6c0a4a7c11/plan"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 503, path
        assert "flask db-upgrade" in response.get_data(as_text=True), path


def test_readyz_is_503_until_the_database_is_upgraded_and_200_after(tmp_path, new_app):
    url = fresh_database_url(tmp_path, "ready")
    client = new_app(url).test_client()
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200
    upgrade_database(url)
    # The running app sees the upgrade without a restart.
    assert client.get("/readyz").status_code == 200
    assert client.get("/auth/login").status_code == 200


def test_healthz_is_200_while_the_process_is_up(tmp_path, new_app):
    client = new_app(fresh_database_url(tmp_path, "health")).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_the_schema_is_asked_once_when_it_is_at_head(tmp_path, new_app, monkeypatch):
    from familyapp import health

    url = fresh_database_url(tmp_path, "cached")
    upgrade_database(url)
    client = new_app(url).test_client()
    asked = []
    real = health.current_revisions
    monkeypatch.setattr(health, "current_revisions", lambda engine: asked.append(1) or real(engine))
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
        assert client.get("/auth/login").status_code == 200
    assert len(asked) <= 1


def test_readyz_and_healthz_on_the_tests_database(client):
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").status_code == 200
